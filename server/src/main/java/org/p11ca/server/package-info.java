/**
 * The composition root and thin Jetty 12 handlers: bytes in, a ca-core call, bytes out. No business rule lives
 * here. Built out from issue [2].
 */
package org.p11ca.server;
