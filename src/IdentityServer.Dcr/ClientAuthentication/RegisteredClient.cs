// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.ClientAuthentication;

/// <summary>
/// What client authentication at a token endpoint needs to know of a registered (DCR) client: its registered method
/// and signing algorithm, subject DN and JWKS URL. Each plug-in reads it from where it keeps the client (OpenIddict
/// application settings, Duende client properties and secrets) or from the registration itself.
/// </summary>
/// <param name="ClientId">The client identifier.</param>
/// <param name="TokenEndpointAuthMethod">The registered <c>token_endpoint_auth_method</c>.</param>
/// <param name="TokenEndpointAuthSigningAlg">The registered <c>token_endpoint_auth_signing_alg</c>;
/// <see langword="null"/>: any the bank accepts.</param>
/// <param name="TlsClientAuthSubjectDn">The registered <c>tls_client_auth_subject_dn</c>, if any.</param>
/// <param name="JwksUri">The registered <c>jwks_uri</c> (the SSA's <c>software_jwks_endpoint</c>), if any.</param>
/// <param name="Disabled">Whether an operator disabled the client (<see cref="ClientRegistration.IsDisabled"/>).</param>
public sealed record RegisteredClient(
    string ClientId,
    string TokenEndpointAuthMethod,
    string? TokenEndpointAuthSigningAlg,
    string? TlsClientAuthSubjectDn,
    string? JwksUri,
    bool Disabled = false)
{
    /// <summary>The client as its registration describes it.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The client.</returns>
    public static RegisteredClient From(ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new(
            registration.ClientId,
            registration.Metadata.TokenEndpointAuthMethod,
            registration.Metadata.TokenEndpointAuthSigningAlg,
            registration.Metadata.TlsClientAuthSubjectDn,
            registration.Metadata.JwksUri,
            registration.IsDisabled);
    }
}
