// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Duende;

/// <summary>
/// <c>Duende.IdentityServer.Models.Secret.Type</c> values for TPP credentials that Duende's own secret validators do
/// not understand (so they never accept them by accident); the adapter's secret validators do.
/// </summary>
public static class ObieSecretTypes
{
    /// <summary>
    /// <c>private_key_jwt</c> with the TPP's keys at a JWKS URL (the SSA's <c>software_jwks_endpoint</c>); the value is
    /// the URL. Keys are fetched by <c>kid</c> on use, so the TPP can rotate them without re-registering.
    /// </summary>
    public const string JwksUri = "JwksUri";

    /// <summary>
    /// <c>tls_client_auth</c> by subject distinguished name; the value is <c>tls_client_auth_subject_dn</c> as registered,
    /// compared with the certificate's subject as a normalised name (any attribute order, case and spacing).
    /// </summary>
    public const string X509SubjectDistinguishedName = "X509SubjectDistinguishedName";

    /// <summary>The URLs of the client's unexpired <see cref="JwksUri"/> secrets, in their order.</summary>
    /// <param name="secrets">The client's secrets.</param>
    /// <param name="now">The current time (UTC).</param>
    /// <returns>The JWKS URLs.</returns>
    internal static IEnumerable<string> CurrentJwksUris(IEnumerable<global::Duende.IdentityServer.Models.Secret> secrets, DateTime now)
        => secrets.Where(s => s.Type == JwksUri && (s.Expiration is null || s.Expiration > now)).Select(s => s.Value);
}
