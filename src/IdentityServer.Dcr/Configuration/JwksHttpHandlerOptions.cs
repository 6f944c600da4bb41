// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Code hooks applied to the <see cref="SocketsHttpHandler"/> of both JWKS HTTP clients (trust anchor and
/// software) when it is created. Register them with
/// <c>services.Configure&lt;JwksHttpHandlerOptions&gt;(o =&gt; o.ConfigureHandler.Add(h =&gt; ...))</c>, for example to
/// trust a private CA through <see cref="SocketsHttpHandler.SslOptions"/> or to present a client certificate.
/// </summary>
/// <remarks>
/// The hooks run first. On the software handler the SSRF guard is applied after them and wins:
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, <see cref="SocketsHttpHandler.AllowAutoRedirect"/> and
/// <see cref="SocketsHttpHandler.UseProxy"/> are always overwritten there.
/// </remarks>
public sealed class JwksHttpHandlerOptions
{
    /// <summary>Actions run on each new handler, in order. Default empty.</summary>
    public IList<Action<SocketsHttpHandler>> ConfigureHandler { get; } = [];
}
