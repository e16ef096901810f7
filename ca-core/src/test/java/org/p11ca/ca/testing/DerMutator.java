package org.p11ca.ca.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Structure-aware mutations of DER for robustness tests: the input is split into its TLVs (descending into OCTET
 * and BIT STRINGs that hold DER, as eContent and extension values do), one to three nodes are changed, deleted,
 * duplicated, retagged or swapped for another part of the same tree, and the result is encoded again with correct
 * lengths, so the mutation reaches the code behind the DER parser instead of stopping at a bad length.
 */
public final class DerMutator {

  private static final byte[][] TAGS = {
      {0x01}, {0x02}, {0x03}, {0x04}, {0x05}, {0x06}, {0x0c}, {0x13}, {0x17}, {0x18}, {0x30}, {0x31},
      {(byte) 0x80}, {(byte) 0x81}, {(byte) 0xa0}, {(byte) 0xa1}, {(byte) 0xa2}, {(byte) 0xa3}, {(byte) 0xa4}};

  /** OIDs a CMC message carries in places where another one confuses types. */
  private static final String[] OIDS = {"1.2.840.113549.1.7.1", "1.2.840.113549.1.7.2", "1.3.6.1.5.5.7.12.2",
      "1.3.6.1.5.5.7.12.3", "1.3.6.1.5.5.7.7.1", "1.3.6.1.5.5.7.7.5", "1.3.6.1.5.5.7.7.6", "1.3.6.1.5.5.7.7.7",
      "1.3.6.1.5.5.7.7.10", "1.3.6.1.5.5.7.7.17", "1.3.6.1.5.5.7.7.18", "1.3.6.1.5.5.7.7.22", "1.3.6.1.5.5.7.7.23",
      "1.3.6.1.5.5.7.7.34", "1.3.6.1.5.5.7.7.35", "1.3.6.1.5.5.7.7.5.1", "1.2.840.113549.1.1.1",
      "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.10", "1.2.840.10045.2.1", "1.2.840.10045.4.3.2",
      "1.2.840.10045.3.1.7", "2.16.840.1.101.3.4.2.1", "1.3.6.1.5.5.7.5.1.4", "2.5.29.15", "2.5.29.17", "2.5.4.3",
      "1.2.840.113549.1.9.14", "1.2.3.4"};

  private static final BigInteger[] INTEGERS = {BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(-1),
      BigInteger.valueOf(Integer.MAX_VALUE).add(BigInteger.ONE), BigInteger.valueOf(Long.MIN_VALUE),
      BigInteger.TWO.pow(64).add(BigInteger.ONE), BigInteger.TWO.pow(1024).negate(), BigInteger.TWO.pow(4096)};

  /** One TLV: primitive ({@code children} empty, {@code content} set) or constructed or encapsulating DER. */
  private static final class Node {
    byte[] tag;
    byte[] content;
    List<Node> children;
    /** For an OCTET or BIT STRING holding DER: the bytes before the inner DER (BIT STRING's unused-bits octet). */
    byte[] encapsulatedPrefix;

    Node(byte[] tag, byte[] content, List<Node> children, byte[] encapsulatedPrefix) {
      this.tag = tag;
      this.content = content;
      this.children = children;
      this.encapsulatedPrefix = encapsulatedPrefix;
    }

    boolean hasChildren() {
      return children != null;
    }

    Node copy() {
      List<Node> kids = children == null ? null : new ArrayList<>(children.stream().map(Node::copy).toList());
      return new Node(tag.clone(), content == null ? null : content.clone(), kids, encapsulatedPrefix);
    }
  }

  private final Random random;
  private final List<String> applied = new ArrayList<>();

  public DerMutator(long seed) {
    this.random = new Random(seed);
  }

  /** What the last {@link #mutate} did, for a failure message that can be reproduced. */
  public String lastMutations() {
    return String.join("; ", applied);
  }

  /** {@code der} with one to three mutations; the input must be one DER TLV. */
  public byte[] mutate(byte[] der) {
    applied.clear();
    Node root = parse(der, 0, der.length).get(0);
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      mutateOnce(root);
    }
    return encode(root);
  }

  private void mutateOnce(Node root) {
    List<Node> all = new ArrayList<>();
    List<Node> parents = new ArrayList<>();
    collect(root, null, all, parents);
    int pick = random.nextInt(all.size());
    Node node = all.get(pick);
    Node parent = parents.get(pick);
    int kind = random.nextInt(11);
    switch (kind) {
      case 0 -> {
        flatten(node);
        if (node.content.length == 0) {
          node.content = new byte[] {(byte) random.nextInt(256)};
        } else {
          int at = random.nextInt(node.content.length);
          node.content[at] ^= (byte) (1 << random.nextInt(8));
        }
        applied.add("flip a bit in node " + pick);
      }
      case 1 -> {
        byte[] bytes = new byte[random.nextInt(41)];
        random.nextBytes(bytes);
        setPrimitive(node, bytes);
        applied.add("random content for node " + pick);
      }
      case 2 -> {
        node.tag = TAGS[random.nextInt(TAGS.length)].clone();
        applied.add("retag node " + pick + " as 0x" + Integer.toHexString(node.tag[0] & 0xff));
      }
      case 3 -> {
        if (parent != null) {
          parent.children.remove(node);
          applied.add("delete node " + pick);
        }
      }
      case 4 -> {
        if (parent != null) {
          parent.children.add(parent.children.indexOf(node), node.copy());
          applied.add("duplicate node " + pick);
        }
      }
      case 5 -> {
        if (node.hasChildren()) {
          node.children.clear();
        } else {
          node.content = new byte[0];
        }
        applied.add("empty node " + pick);
      }
      case 6 -> {
        BigInteger value = INTEGERS[random.nextInt(INTEGERS.length)];
        node.tag = new byte[] {0x02};
        setPrimitive(node, value.toByteArray());
        applied.add("node " + pick + " := INTEGER " + (value.bitLength() > 64 ? value.bitLength() + " bits" : value));
      }
      case 7 -> {
        if (parent != null && parent.children.size() > 1) {
          int a = parent.children.indexOf(node);
          int b = random.nextInt(parent.children.size());
          java.util.Collections.swap(parent.children, a, b);
          applied.add("swap children " + a + " and " + b + " of node " + all.indexOf(parent));
        }
      }
      case 8 -> {
        String oid = OIDS[random.nextInt(OIDS.length)];
        node.tag = new byte[] {0x06};
        setPrimitive(node, oidContent(oid));
        applied.add("node " + pick + " := OID " + oid);
      }
      case 9 -> {
        if (node.hasChildren() && !node.children.isEmpty()) {
          int keep = random.nextInt(node.children.size());
          node.children.subList(keep, node.children.size()).clear();
          applied.add("keep the first " + keep + " children of node " + pick);
        }
      }
      default -> {
        int from = random.nextInt(all.size());
        if (!isAncestor(node, all.get(from))) {
          Node donor = all.get(from).copy();
          node.tag = donor.tag;
          node.content = donor.content;
          node.children = donor.children;
          node.encapsulatedPrefix = donor.encapsulatedPrefix;
          applied.add("node " + pick + " := copy of node " + from);
        }
      }
    }
  }

  private static boolean isAncestor(Node node, Node of) {
    if (node == of) {
      return true;
    }
    if (node.children == null) {
      return false;
    }
    for (Node child : node.children) {
      if (isAncestor(child, of)) {
        return true;
      }
    }
    return false;
  }

  private static void collect(Node node, Node parent, List<Node> all, List<Node> parents) {
    all.add(node);
    parents.add(parent);
    if (node.children != null) {
      for (Node child : node.children) {
        collect(child, node, all, parents);
      }
    }
  }

  /** Makes {@code node} primitive with its current encoding as content, so a bit flip may hit any byte. */
  private static void flatten(Node node) {
    if (node.children != null) {
      node.content = contentOf(node);
      node.children = null;
      node.encapsulatedPrefix = null;
    }
  }

  private static void setPrimitive(Node node, byte[] content) {
    node.children = null;
    node.encapsulatedPrefix = null;
    node.content = content;
  }

  private static byte[] oidContent(String oid) {
    try {
      byte[] der = new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid).getEncoded();
      return Arrays.copyOfRange(der, 2, der.length);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The TLVs in {@code der[from, to)}; a malformed run gives an empty result. */
  private static Optional<List<Node>> parseAll(byte[] der, int from, int to) {
    List<Node> nodes = new ArrayList<>();
    int at = from;
    while (at < to) {
      int tagStart = at;
      if ((der[at] & 0x1f) == 0x1f) {
        at++;
        while (at < to && (der[at] & 0x80) != 0) {
          at++;
        }
      }
      at++;
      if (at >= to) {
        return Optional.empty();
      }
      byte[] tag = Arrays.copyOfRange(der, tagStart, at);
      int first = der[at++] & 0xff;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int octets = first & 0x7f;
        if (octets == 0 || octets > 4 || at + octets > to) {
          return Optional.empty();
        }
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (der[at++] & 0xff);
        }
      }
      if (length > to - at) {
        return Optional.empty();
      }
      int end = at + (int) length;
      nodes.add(node(tag, der, at, end));
      at = end;
    }
    return Optional.of(nodes);
  }

  private static List<Node> parse(byte[] der, int from, int to) {
    return parseAll(der, from, to).orElseThrow(() -> new IllegalArgumentException("not DER"));
  }

  private static Node node(byte[] tag, byte[] der, int from, int to) {
    boolean constructed = (tag[0] & 0x20) != 0;
    if (constructed) {
      Optional<List<Node>> children = parseAll(der, from, to);
      if (children.isPresent()) {
        return new Node(tag, null, new ArrayList<>(children.get()), null);
      }
    } else if ((tag[0] == 0x04 || tag[0] == 0x03) && to - from > 2) {
      int inner = tag[0] == 0x03 ? from + 1 : from;
      if ((tag[0] != 0x03 || der[from] == 0) && (der[inner] & 0x20) != 0) {
        Optional<List<Node>> children = parseAll(der, inner, to);
        if (children.isPresent() && children.get().size() == 1) {
          return new Node(tag, null, new ArrayList<>(children.get()), Arrays.copyOfRange(der, from, inner));
        }
      }
    }
    return new Node(tag, Arrays.copyOfRange(der, from, to), null, null);
  }

  private static byte[] encode(Node node) {
    byte[] content = contentOf(node);
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 8);
    out.writeBytes(node.tag);
    if (content.length < 0x80) {
      out.write(content.length);
    } else {
      byte[] length = BigInteger.valueOf(content.length).toByteArray();
      int skip = length[0] == 0 ? 1 : 0;
      out.write(0x80 | (length.length - skip));
      out.write(length, skip, length.length - skip);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] contentOf(Node node) {
    if (node.children == null) {
      return node.content;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (node.encapsulatedPrefix != null) {
      out.writeBytes(node.encapsulatedPrefix);
    }
    for (Node child : node.children) {
      out.writeBytes(encode(child));
    }
    return out.toByteArray();
  }
}
