// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.ClientAuthentication;

/// <summary>
/// The OBIE rules of client authentication at the token endpoint, for both plug-ins: each plug-in says which method
/// was presented and with what (an assertion, a certificate), and keeps only what its server does itself (verifying
/// the assertion's signature and audience with the key found here, recording its <c>jti</c>, issuing the token).
/// Every refusal is <c>invalid_client</c> (RFC 6749 §5.2, RFC 7523 §3.2).
/// </summary>
public interface IClientAuthenticator
{
    /// <summary>The client must not be disabled; the presented method must be the registered one, and one the bank enables.</summary>
    /// <param name="client">The registered client.</param>
    /// <param name="presentedMethod">The method the request used (<c>private_key_jwt</c>, <c>tls_client_auth</c>,
    /// <c>client_secret_basic</c>, <c>client_secret_post</c>, or <c>none</c>).</param>
    /// <returns><see langword="null"/> when it may go on; otherwise the error.</returns>
    DcrError? CheckMethod(RegisteredClient client, string presentedMethod);

    /// <summary>
    /// Reads a <c>private_key_jwt</c> assertion before its signature is verified: a compact JWS in base64url, signed
    /// with the registered algorithm; <c>iss</c> and <c>sub</c> the client; <c>jti</c> and <c>exp</c> present,
    /// <c>exp</c> within <see cref="Configuration.RegistrationOptions.MaxClientAssertionLifetime"/> and not passed,
    /// <c>nbf</c> (when present) passed; then finds the signing key in the client's JWKS (absent or empty <c>kid</c>:
    /// the one key that fits the algorithm).
    /// </summary>
    /// <param name="client">The registered client.</param>
    /// <param name="assertion">The <c>client_assertion</c>.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key to verify the signature with, or the error.</returns>
    /// <exception cref="DcrInfrastructureException">The client's JWKS host cannot be reached and no cached copy holds the key.</exception>
    Task<ClientAssertionCheck> CheckAssertionAsync(RegisteredClient client, string assertion, CancellationToken ct);

    /// <summary>
    /// <c>tls_client_auth</c>: a certificate is presented, chains to the bank's transport roots, and its subject is the
    /// registered DN.
    /// </summary>
    /// <param name="client">The registered client.</param>
    /// <param name="certificate">The presented certificate, if any.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="null"/> when authenticated; otherwise the error.</returns>
    Task<DcrError?> CheckTlsClientAuthAsync(RegisteredClient client, X509Certificate2? certificate, CancellationToken ct);

    /// <summary>For certificate-bound tokens: a certificate is presented and chains to the bank's transport roots.</summary>
    /// <param name="client">The registered client (for logging).</param>
    /// <param name="certificate">The presented certificate, if any.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="null"/> when the token may be bound to it; otherwise the error.</returns>
    Task<DcrError?> CheckBindingCertificateAsync(RegisteredClient client, X509Certificate2? certificate, CancellationToken ct);
}
