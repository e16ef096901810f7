package org.p11ca.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.p11ca.ca.audit.CheckpointPolicy;
import org.p11ca.ca.crl.CrlSettings;
import org.p11ca.ca.kra.KeyRecoveryPolicy;
import org.p11ca.ca.ocsp.OcspSettings;
import org.p11ca.ca.profile.CertificateLocations;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.TokenConfig;

/**
 * Reads the YAML file of {@code p11ca serve --config} into a {@link ServerConfig}. Unknown keys are refused, and
 * every bad value fails here, at start-up, naming the file, the field and the rule. Relative paths are relative to
 * the config file's directory, so a config next to its data directory works from any working directory.
 *
 * <pre>
 * dataDir: ./p11ca-data                    # required: ca.sqlite, audit/audit.log
 * token:                                   # required
 *   library: /usr/lib/softhsm/libsofthsm2.so  # default $P11CA_PKCS11_LIBRARY, else SoftHSM2's
 *   label: p11ca                           # required: the token label
 *   pinFile: ./p11ca-data/softhsm/user.pin # exactly one of pinFile (first line) and pinEnv (a variable name)
 *   backend: iaik                          # iaik (default) or sun
 *   sessionPoolSize: 8
 * keys: {caSigning: ca-signing, audit: audit-signing, tls: tls-server, popProtection: pop-protection,
 *        kraStorage: kra-storage, kraTransport: kra-transport,
 *        sharedSecretProtection: shared-secret-protection, ocspSigning: ocsp-signing}   # defaults
 * profilesDir: ./profiles                  # optional; default: the profiles shipped in ca-core
 * http:
 *   host: 127.0.0.1                        # default: loopback only
 *   port: 8443                             # 0 = ephemeral
 *   maxBodyBytes: 1048576
 *   idleTimeout: 30s
 *   stopTimeout: 10s
 *   tlsHostNames: [localhost]
 * audit:
 *   file: ./p11ca-data/audit/audit.log     # default dataDir/audit/audit.log
 *   checkpointEveryRecords: 1000
 *   checkpointInterval: 5m
 *   syncEveryRecord: false
 *   rotateAfterBytes: 104857600            # a new file at the first checkpoint past this size; 0 = never
 *   rotateEvery: 30d                       # or once the file's first record is this old; never = never
 * clientAuth:                              # none | optional | required per endpoint; default optional
 *   profileSubmitUserSignedCMCFull: optional
 *   profileSubmitCMCSimple: required
 * kra:
 *   requiredApprovals: 1                   # KRA agents who must approve a key recovery (1..10; the requester
 *                                          # may be one of them)
 *   recoveryLifetime: 1d                   # how long a recovery stays open for approvals and the release
 *                                          # (5m..30d)
 * sharedSecrets:                           # identityProofV2 secrets made by p11ca shared-secret create
 *   defaultLifetime: 7d
 *   maxLifetime: 90d
 *   lockAfterFailures: 5                   # failed proofs after which a secret is locked
 * crl:                                     # the full CRL (GET /ca/ee/ca/getCRL)
 *   validity: 1d                           # thisUpdate to nextUpdate; remade at half of it
 *   regenerateDelay: 2s                    # revocations within this delay share one CRL
 * ocsp:                                    # the OCSP responder (POST /ocsp, GET /ocsp/{base64})
 *   nextUpdate: 1h                         # thisUpdate to nextUpdate of each response (at most 10d)
 *   signer: ca                             # ca: the CA key signs responses; delegated: keys.ocspSigning does,
 *                                          # with a caOCSPCert certificate the server issues and renews
 * locations:                               # in every certificate whose profile does not name its own
 *   crlDistributionPoint: http://ca.example.com/ca/crl     # http or ldap (RFC 5280 4.2.1.13)
 *   ocsp: http://ca.example.com/ocsp                       # authorityInfoAccess id-ad-ocsp
 *   caIssuers: http://ca.example.com/ca.crt                # authorityInfoAccess id-ad-caIssuers (DER cert)
 * </pre>
 */
public final class ServerConfigLoader {

  // RFC 1123 host names: letters, digits and hyphens in dot-separated labels (a leading "*." for a wildcard is not
  // something the server should ask its own CA for).
  private static final Pattern DNS_NAME =
      Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

  private final Function<String, String> environment;

  /** @param environment looks up environment variables ({@code System::getenv} in production) */
  public ServerConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  public static ServerConfig load(Path file) {
    return new ServerConfigLoader(System::getenv).read(file);
  }

  public ServerConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file, "", "cannot be read: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    return parse(file, text);
  }

  public ServerConfig parse(Path file, String yaml) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        // The same key twice is a mistake whichever one was meant.
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode tree;
    try {
      tree = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file, "", "is not valid YAML: " + e.getOriginalMessage()
          + Optional.ofNullable(e.getLocation()).map(l -> " (line " + l.getLineNr() + ")").orElse(""));
    }
    YamlSection root = YamlSection.root(file, tree)
        .allowOnly("dataDir", "token", "keys", "profilesDir", "http", "audit", "clientAuth", "kra", "sharedSecrets",
            "crl", "ocsp", "locations");
    Path dataDir = root.path("dataDir").orElseThrow(() -> root.error("dataDir", "is required"));
    TokenSettings token = token(root.requiredSection("token"));
    KeyLabels keys = root.section("keys").map(this::keys).orElse(KeyLabels.defaults());
    Optional<Path> profilesDir = root.path("profilesDir");
    if (profilesDir.isPresent() && !Files.isDirectory(profilesDir.get())) {
      throw root.error("profilesDir", "directory " + profilesDir.get() + " does not exist");
    }
    HttpSettings http = http(root.section("http"));
    AuditSettings audit = audit(root.section("audit"), dataDir);
    ClientAuthPolicy clientAuth = root.section("clientAuth").map(this::clientAuth)
        .orElse(ClientAuthPolicy.defaults());
    KeyRecoveryPolicy keyRecovery = root.section("kra").map(this::keyRecovery).orElse(KeyRecoveryPolicy.defaults());
    ArchivalSettings archival = root.section("kra").map(this::archival).orElse(ArchivalSettings.defaults());
    SharedSecretPolicy sharedSecrets = root.section("sharedSecrets").map(this::sharedSecrets)
        .orElse(SharedSecretPolicy.DEFAULT);
    CrlSettings crl = root.section("crl").map(this::crl).orElse(CrlSettings.DEFAULT);
    OcspSettings ocsp = root.section("ocsp").map(this::ocsp).orElse(OcspSettings.defaults());
    OcspSigner ocspSigner = root.section("ocsp").map(this::ocspSigner).orElse(OcspSigner.CA);
    CertificateLocations locations = root.section("locations").map(this::locations)
        .orElse(CertificateLocations.none());
    return new ServerConfig(file, dataDir, token, keys, profilesDir, http, audit, clientAuth, keyRecovery,
        archival, sharedSecrets, crl, ocsp, ocspSigner, locations);
  }

  private CertificateLocations locations(YamlSection s) {
    s.allowOnly("crlDistributionPoint", "ocsp", "caIssuers");
    return new CertificateLocations(
        location(s, "crlDistributionPoint", CertificateLocations::crlUrl),
        location(s, "ocsp", CertificateLocations::ocspUrl),
        location(s, "caIssuers", CertificateLocations::caIssuersUrl));
  }

  private static Optional<java.net.URI> location(YamlSection s, String key,
      java.util.function.BiFunction<String, String, Optional<java.net.URI>> parse) {
    Optional<String> text = s.string(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return parse.apply(key, text.get());
    } catch (IllegalArgumentException e) {
      // The message starts with the key, which the error names again.
      throw s.error(key, e.getMessage().substring(key.length()).strip());
    }
  }

  private TokenSettings token(YamlSection s) {
    s.allowOnly("library", "label", "pinFile", "pinEnv", "backend", "sessionPoolSize");
    Path library = s.path("library").orElseGet(() -> Optional.ofNullable(environment.apply("P11CA_PKCS11_LIBRARY"))
        .filter(v -> !v.isBlank()).map(Path::of).orElse(TokenSettings.SOFTHSM_LIBRARY));
    if (!Files.isRegularFile(library)) {
      throw s.error("library", "PKCS#11 library " + library + " does not exist");
    }
    String label = s.requiredString("label");
    if (label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
      // CK_TOKEN_INFO.label is 32 bytes (PKCS#11 v2.40 section 3.2).
      throw s.error("label", "a token label is at most 32 bytes");
    }
    Optional<Path> pinFile = s.path("pinFile");
    Optional<String> pinEnv = s.string("pinEnv");
    PinSource pin;
    if (pinFile.isPresent() == pinEnv.isPresent()) {
      // The PIN never sits in this file or on the command line, and a server has no terminal to prompt on.
      throw s.error("pinFile", "give exactly one of token.pinFile and token.pinEnv");
    } else if (pinFile.isPresent()) {
      if (!Files.isRegularFile(pinFile.get()) || !Files.isReadable(pinFile.get())) {
        throw s.error("pinFile", "PIN file " + pinFile.get() + " does not exist or is not readable");
      }
      pin = PinSource.file(pinFile.get());
    } else {
      String value = environment.apply(pinEnv.get());
      if (value == null || value.isEmpty()) {
        throw s.error("pinEnv", "environment variable " + pinEnv.get() + " is not set");
      }
      pin = PinSource.environment(pinEnv.get());
    }
    Backend backend = s.string("backend").map(b -> switch (b.toLowerCase(Locale.ROOT)) {
      case "iaik" -> Backend.IAIK;
      case "sun" -> Backend.SUN;
      default -> throw s.error("backend", "must be iaik or sun, not '" + b + "'");
    }).orElse(Backend.IAIK);
    int pool = (int) s.integer("sessionPoolSize", TokenConfig.DEFAULT_POOL_SIZE, 1, 1024);
    return new TokenSettings(library, label, pin, backend, pool);
  }

  private KeyLabels keys(YamlSection s) {
    s.allowOnly("caSigning", "audit", "tls", "popProtection", "kraStorage", "kraTransport",
        "sharedSecretProtection", "ocspSigning");
    KeyLabels labels = new KeyLabels(s.string("caSigning").orElse(KeyLabels.DEFAULT_CA_SIGNING),
        s.string("audit").orElse(KeyLabels.DEFAULT_AUDIT), s.string("tls").orElse(KeyLabels.DEFAULT_TLS),
        s.string("popProtection").orElse(KeyLabels.DEFAULT_POP_PROTECTION),
        s.string("kraStorage").orElse(KeyLabels.DEFAULT_KRA_STORAGE),
        s.string("kraTransport").orElse(KeyLabels.DEFAULT_KRA_TRANSPORT),
        s.string("sharedSecretProtection").orElse(KeyLabels.DEFAULT_SHARED_SECRET_PROTECTION),
        s.string("ocspSigning").orElse(KeyLabels.DEFAULT_OCSP_SIGNING));
    // One key per job: a TLS key that is also the CA key would let any TLS handshake oracle sign as the CA.
    java.util.List<String> signing = java.util.List.of(labels.caSigning(), labels.audit(), labels.tls(),
        labels.ocspSigning());
    if (new java.util.HashSet<>(signing).size() != signing.size()) {
      throw s.error("", "caSigning, audit, tls and ocspSigning must be four different keys");
    }
    return labels;
  }

  /** A duration as config files write them ({@code 7d}, {@code 12h}, {@code PT30M}), for commands' options. */
  public static Optional<Duration> parseDuration(String text) {
    return YamlSection.parseDuration(text.trim());
  }

  private SharedSecretPolicy sharedSecrets(YamlSection s) {
    s.allowOnly("defaultLifetime", "maxLifetime", "lockAfterFailures");
    SharedSecretPolicy d = SharedSecretPolicy.DEFAULT;
    Duration defaultLifetime = s.duration("defaultLifetime", d.defaultLifetime());
    Duration maxLifetime = s.duration("maxLifetime", d.maxLifetime());
    int lockAfter = (int) s.integer("lockAfterFailures", d.lockAfterFailures(), 1, 100);
    if (defaultLifetime.isZero() || defaultLifetime.isNegative() || defaultLifetime.compareTo(maxLifetime) > 0) {
      throw s.error("defaultLifetime", "must be positive and at most maxLifetime (" + maxLifetime + ")");
    }
    return new SharedSecretPolicy(defaultLifetime, maxLifetime, lockAfter);
  }

  private CrlSettings crl(YamlSection s) {
    s.allowOnly("validity", "regenerateDelay");
    Duration validity = s.duration("validity", CrlSettings.DEFAULT.validity());
    Duration delay = s.duration("regenerateDelay", CrlSettings.DEFAULT.regenerateDelay());
    if (validity.compareTo(CrlSettings.MIN_VALIDITY) < 0 || validity.compareTo(CrlSettings.MAX_VALIDITY) > 0) {
      throw s.error("validity", "must be between 1m and 366d, not " + validity);
    }
    if (delay.isNegative() || delay.compareTo(validity.dividedBy(2)) >= 0) {
      // A revocation must reach the CRL before the refresh at half the validity would have put it there.
      throw s.error("regenerateDelay", "must be at least 0 and less than half of crl.validity, not " + delay);
    }
    return new CrlSettings(validity, delay);
  }

  private OcspSigner ocspSigner(YamlSection s) {
    String signer = s.string("signer").orElse("ca");
    return switch (signer) {
      case "ca" -> OcspSigner.CA;
      case "delegated" -> OcspSigner.DELEGATED;
      default -> throw s.error("signer", "must be 'ca' (the CA key signs) or 'delegated' (the token's"
          + " keys.ocspSigning key, certified by this CA), not '" + signer + "'");
    };
  }

  private OcspSettings ocsp(YamlSection s) {
    s.allowOnly("nextUpdate", "signer");
    Duration nextUpdate = s.duration("nextUpdate", OcspSettings.DEFAULT_NEXT_UPDATE);
    if (nextUpdate.isZero() || nextUpdate.isNegative() || nextUpdate.compareTo(OcspSettings.MAX_NEXT_UPDATE) > 0) {
      throw s.error("nextUpdate", "must be positive and at most 10d (CA/Browser Forum Baseline Requirements"
          + " 4.9.10), not " + nextUpdate);
    }
    return new OcspSettings(nextUpdate);
  }

  private KeyRecoveryPolicy keyRecovery(YamlSection s) {
    s.allowOnly("requiredApprovals", "transportPadding", "recoveryLifetime");
    int approvals = (int) s.integer("requiredApprovals", KeyRecoveryPolicy.defaults().requiredApprovals(),
        KeyRecoveryPolicy.MIN_APPROVALS, KeyRecoveryPolicy.MAX_APPROVALS);
    Duration lifetime = s.duration("recoveryLifetime", KeyRecoveryPolicy.DEFAULT_LIFETIME);
    if (lifetime.compareTo(KeyRecoveryPolicy.MIN_LIFETIME) < 0
        || lifetime.compareTo(KeyRecoveryPolicy.MAX_LIFETIME) > 0) {
      throw s.error("recoveryLifetime", "must be 5m to 30d, not " + lifetime);
    }
    return new KeyRecoveryPolicy(approvals, lifetime);
  }

  private ArchivalSettings archival(YamlSection s) {
    Optional<String> padding = s.string("transportPadding");
    if (padding.isEmpty()) {
      return ArchivalSettings.defaults();
    }
    return ArchivalSettings.parse(padding.get()).orElseThrow(() -> s.error("transportPadding",
        "must be rsaPkcs1, rsaOaepSha1 or rsaOaepSha256, not '" + padding.get() + "'"));
  }

  private HttpSettings http(Optional<YamlSection> section) {
    if (section.isEmpty()) {
      return new HttpSettings(HttpSettings.DEFAULT_HOST, HttpSettings.DEFAULT_PORT,
          HttpSettings.DEFAULT_MAX_BODY_BYTES, HttpSettings.DEFAULT_IDLE_TIMEOUT, HttpSettings.DEFAULT_STOP_TIMEOUT,
          List.of("localhost"));
    }
    YamlSection s = section.get()
        .allowOnly("host", "port", "maxBodyBytes", "idleTimeout", "stopTimeout", "tlsHostNames", "statusPort");
    String host = s.string("host").orElse(HttpSettings.DEFAULT_HOST);
    int port = (int) s.integer("port", HttpSettings.DEFAULT_PORT, 0, 65535);
    long maxBody = s.integer("maxBodyBytes", HttpSettings.DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024);
    var idle = s.duration("idleTimeout", HttpSettings.DEFAULT_IDLE_TIMEOUT);
    var stop = s.duration("stopTimeout", HttpSettings.DEFAULT_STOP_TIMEOUT);
    List<String> names = s.strings("tlsHostNames").orElse(List.of("localhost"));
    if (names.isEmpty()) {
      throw s.error("tlsHostNames", "needs at least one host name");
    }
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (!IP_LITERAL.matcher(n).matches() && !DNS_NAME.matcher(n).matches()) {
        throw s.error("tlsHostNames[" + i + "]", "'" + n + "' is neither a DNS host name nor an IP address");
      }
      if (IP_LITERAL.matcher(n).matches() && !isIpAddress(n)) {
        throw s.error("tlsHostNames[" + i + "]", "'" + n + "' is not a valid IP address");
      }
    }
    if (isIpAddress(names.get(0))) {
      // The caServerCert profile requires a dNSName (RFC 6125 6.4), and the first name becomes the CN.
      throw s.error("tlsHostNames[0]", "the first name must be a DNS name (it becomes the certificate's CN)");
    }
    long status = s.integer("statusPort", -1, 0, 65535);
    java.util.OptionalInt statusPort = status < 0 ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of((int) status);
    if (statusPort.isPresent() && statusPort.getAsInt() != 0 && statusPort.getAsInt() == port) {
      throw s.error("statusPort", "must differ from port (" + port + ")");
    }
    return new HttpSettings(host, port, maxBody, idle, stop, names, statusPort);
  }

  private AuditSettings audit(Optional<YamlSection> section, Path dataDir) {
    CheckpointPolicy defaults = CheckpointPolicy.defaults();
    if (section.isEmpty()) {
      return new AuditSettings(dataDir.resolve(AuditSettings.DEFAULT_FILE), defaults);
    }
    YamlSection s = section.get().allowOnly("file", "checkpointEveryRecords", "checkpointInterval",
        "syncEveryRecord", "rotateAfterBytes", "rotateEvery");
    Path file = s.path("file").orElse(dataDir.resolve(AuditSettings.DEFAULT_FILE));
    int every = (int) s.integer("checkpointEveryRecords", defaults.everyRecords(), 1, 1_000_000);
    var interval = s.duration("checkpointInterval", defaults.maxInterval());
    boolean sync = s.bool("syncEveryRecord", defaults.syncEveryRecord());
    long rotate = s.integer("rotateAfterBytes", defaults.rotateAfterBytes(), 0, 1L << 40);
    // "never" turns age-based rotation off; a duration must be positive, as every duration in this file is.
    var age = s.string("rotateEvery").filter("never"::equals).isPresent() ? java.time.Duration.ZERO
        : s.duration("rotateEvery", defaults.rotateEvery());
    return new AuditSettings(file, new CheckpointPolicy(every, interval, sync, rotate, age));
  }

  private ClientAuthPolicy clientAuth(YamlSection s) {
    Map<CmcEndpoint, ClientAuth> map = new EnumMap<>(CmcEndpoint.class);
    String[] names = java.util.Arrays.stream(CmcEndpoint.values()).map(CmcEndpoint::servletName)
        .toArray(String[]::new);
    s.allowOnly(names);
    for (CmcEndpoint e : CmcEndpoint.values()) {
      s.string(e.servletName()).ifPresent(v -> map.put(e, ClientAuth.parse(v).orElseThrow(
          () -> s.error(e.servletName(), "must be none, optional or required, not '" + v + "'"))));
    }
    return new ClientAuthPolicy(map);
  }

  static boolean isIpAddress(String text) {
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    if (!text.contains(":") || !IP_LITERAL.matcher(text).matches()) {
      return false;
    }
    try {
      // A string with a colon is parsed as an IPv6 literal, never looked up in DNS.
      return InetAddress.getByName(text) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
