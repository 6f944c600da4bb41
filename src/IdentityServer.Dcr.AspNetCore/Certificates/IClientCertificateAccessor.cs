// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.AspNetCore.Certificates;

/// <summary>Finds the TPP's transport certificate for a request.</summary>
/// <remarks>
/// The default <see cref="ClientCertificateAccessor"/> takes the certificate of the TLS connection, or, only when
/// <see cref="Configuration.TransportOptions.ForwardedCertificateHeader"/> is set and the request comes from one of
/// <see cref="Configuration.TransportOptions.TrustedProxies"/>, the certificate a TLS-terminating proxy forwarded in
/// that header. Register your own to read another proxy's format.
/// </remarks>
public interface IClientCertificateAccessor
{
    /// <summary>Gets the transport certificate, or <see langword="null"/>.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The certificate, or <see langword="null"/> when none was presented.</returns>
    Task<X509Certificate2?> GetClientCertificateAsync(HttpContext context, CancellationToken ct);
}
