// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Models;
using OpenIddict.Server;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// What the token endpoint needs to know of a registered (DCR) client: its registered authentication method and
/// signing algorithm, subject DN, JWKS URL and scopes. Read from the OpenIddict application's settings and
/// permissions (written with the registration, in its transaction) or, for an application without them, from the
/// registration itself.
/// </summary>
/// <param name="ClientId">The client identifier.</param>
/// <param name="TokenEndpointAuthMethod">The registered <c>token_endpoint_auth_method</c>.</param>
/// <param name="TokenEndpointAuthSigningAlg">The registered <c>token_endpoint_auth_signing_alg</c>, if any.</param>
/// <param name="TlsClientAuthSubjectDn">The registered <c>tls_client_auth_subject_dn</c>, if any.</param>
/// <param name="JwksUri">The registered <c>jwks_uri</c> (the SSA's <c>software_jwks_endpoint</c>), if any.</param>
/// <param name="Scopes">The registered scopes.</param>
/// <param name="Disabled">Whether an operator disabled the client.</param>
internal sealed record DcrClient(
    string ClientId,
    string TokenEndpointAuthMethod,
    string? TokenEndpointAuthSigningAlg,
    string? TlsClientAuthSubjectDn,
    string? JwksUri,
    IReadOnlyList<string> Scopes,
    bool Disabled)
{
    /// <summary>
    /// The concurrency token of the OpenIddict application the client was read from (<see langword="null"/> when read
    /// from the registration): the client assertion is recorded only while the application is still that version.
    /// </summary>
    public string? ApplicationVersion { get; init; }

    public static DcrClient From(ClientRegistration registration) => new(
        registration.ClientId,
        registration.Metadata.TokenEndpointAuthMethod,
        registration.Metadata.TokenEndpointAuthSigningAlg,
        registration.Metadata.TlsClientAuthSubjectDn,
        registration.Metadata.JwksUri,
        [.. registration.Metadata.GetScopes()],
        registration.IsDisabled);

    /// <summary>The client as the engine's <see cref="IClientAuthenticator"/> reads it.</summary>
    public RegisteredClient Registered => new(
        ClientId,
        TokenEndpointAuthMethod,
        TokenEndpointAuthSigningAlg,
        TlsClientAuthSubjectDn,
        JwksUri,
        Disabled);
}

/// <summary>
/// Per-request state of a token request made by a registered (DCR) client, kept in the OpenIddict transaction so
/// that later handlers (assertion keys, replay, grant) see the client the first handler resolved.
/// </summary>
internal sealed class DcrClientAuthenticationState
{
    private static readonly string Key = typeof(DcrClientAuthenticationState).FullName!;

    public DcrClientAuthenticationState(DcrClient client) => Client = client;

    public DcrClient Client { get; }

    /// <summary>The TPP key the client assertion must verify with, found by <see cref="IClientAuthenticator.CheckAssertionAsync"/>.</summary>
    public ClientAssertionCheck? Assertion { get; set; }

    public static DcrClientAuthenticationState? Get(OpenIddictServerTransaction transaction)
        => transaction.Properties.TryGetValue(Key, out var value) ? value as DcrClientAuthenticationState : null;

    public void Attach(OpenIddictServerTransaction transaction) => transaction.Properties[Key] = this;
}
