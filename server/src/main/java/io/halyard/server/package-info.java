/**
 * The composition root: Netty bootstrap and channel handling ({@link io.halyard.server.HalyardServer},
 * {@link io.halyard.server.ClientChannelHandler}), TLS, logging, configuration ({@code config}) and
 * {@link io.halyard.server.Main}. Nothing depends on this package.
 *
 * <p>May import: everything of Halyard, Netty.
 */
package io.halyard.server;
