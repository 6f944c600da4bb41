// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.ResponseHandling;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Discovery;
using IdentityServer.Dcr.Duende.Authorization;
using IdentityServer.Dcr.Duende.Endpoints;
using IdentityServer.Dcr.Duende.Logging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Discovery;

/// <summary>
/// Duende's <see cref="DiscoveryResponseGenerator"/> with the engine's registration metadata
/// (<see cref="IDcrDiscoveryMetadataProvider"/>): <c>registration_endpoint</c> where
/// <c>MapObieDynamicClientRegistration</c> mapped it, and every value the engine enforces at registration
/// (<c>token_endpoint_auth_methods_supported</c> and its signing algorithms, grant and response types, scopes, ID token
/// and request object signing algorithms, <c>tls_client_certificate_bound_access_tokens</c>).
/// </summary>
/// <remarks>
/// <para>
/// The engine's values replace the ones Duende derives from its own configuration, so a TPP reads in discovery what
/// registration accepts. Duende's <c>DiscoveryOptions.CustomEntries</c> cannot do this: an entry whose name Duende
/// already wrote is dropped (and logged as an error), and custom entries are fixed at startup while the engine's options
/// are read per request (<c>IOptionsMonitor</c>).
/// </para>
/// <para>
/// The endpoint is found by name through <see cref="LinkGenerator"/>, so discovery follows the path given to
/// <c>MapObieDynamicClientRegistration</c>; when it is not mapped, Duende's document is returned unchanged.
/// <c>AddObieDynamicClientRegistration</c> installs this generator in place of Duende's default; a bank with its own
/// generator derives it from this class instead, or overrides <see cref="AddRegistrationMetadataAsync"/>.
/// </para>
/// </remarks>
public class ObieDiscoveryResponseGenerator : DiscoveryResponseGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="options">Duende's options.</param>
    /// <param name="resourceStore">Duende's resource store.</param>
    /// <param name="keys">Duende's key material.</param>
    /// <param name="extensionGrants">Duende's extension grants.</param>
    /// <param name="secretParsers">Duende's secret parsers.</param>
    /// <param name="resourceOwnerValidator">Duende's resource owner validator.</param>
    /// <param name="metadata">The engine's registration metadata.</param>
    /// <param name="links">Finds the path of the registration endpoint.</param>
    /// <param name="logger">The logger.</param>
    public ObieDiscoveryResponseGenerator(
        IdentityServerOptions options,
        IResourceStore resourceStore,
        IKeyMaterialService keys,
        ExtensionGrantValidator extensionGrants,
        ISecretsListParser secretParsers,
        IResourceOwnerPasswordValidator resourceOwnerValidator,
        IDcrDiscoveryMetadataProvider metadata,
        LinkGenerator links,
        ILogger<DiscoveryResponseGenerator> logger)
        : base(options, resourceStore, keys, extensionGrants, secretParsers, resourceOwnerValidator, logger)
    {
        Metadata = metadata;
        Links = links;
    }

    /// <summary>The engine's registration metadata.</summary>
    protected IDcrDiscoveryMetadataProvider Metadata { get; }

    /// <summary>Finds the path of the registration endpoint.</summary>
    protected LinkGenerator Links { get; }

    /// <summary>Duende's document, then <see cref="AddRegistrationMetadataAsync"/>.</summary>
    /// <param name="baseUrl">The base URL (origin and path base).</param>
    /// <param name="issuerUri">The issuer.</param>
    /// <returns>The discovery document.</returns>
    public override async Task<Dictionary<string, object>> CreateDiscoveryDocumentAsync(string baseUrl, string issuerUri)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var entries = await base.CreateDiscoveryDocumentAsync(baseUrl, issuerUri).ConfigureAwait(false);
        await AddRegistrationMetadataAsync(entries, baseUrl).ConfigureAwait(false);
        AddAuthorizationMetadata(entries);
        return entries;
    }

    /// <summary>
    /// What the authorization journey of registered clients serves and enforces (<c>ObieAuthorizeRequestValidator</c>
    /// and the engine's <c>IAuthorizationRequestValidator</c>), over Duende's values: request objects by value (and
    /// pushed), never by reference to a client URL; the hybrid response in the fragment, <c>code</c> in the query (no
    /// <c>form_post</c>); PKCE with <c>S256</c> only; the <c>claims</c> parameter for <c>openbanking_intent_id</c> and
    /// <c>acr</c>, which the ID token carries. Nothing is written when the authorize endpoint is disabled.
    /// </summary>
    /// <param name="entries">Duende's discovery entries.</param>
    protected virtual void AddAuthorizationMetadata(Dictionary<string, object> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!entries.ContainsKey("authorization_endpoint"))
        {
            return;
        }

        entries["response_modes_supported"] = new[] { "fragment", "query" };
        entries["code_challenge_methods_supported"] = new[] { "S256" };
        entries["request_parameter_supported"] = true;
        entries["request_uri_parameter_supported"] = false;
        entries["claims_parameter_supported"] = true;
        var claims = entries.TryGetValue("claims_supported", out var existing) && existing is IEnumerable<string> names ? names.ToList() : [];
        foreach (
            var claim in new[]
            {
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "auth_time",
                "c_hash",
                "s_hash",
                ObieAuthorizeRequests.AcrClaimType,
                ObieAuthorizeRequests.IntentIdClaimType,
            })
        {
            if (!claims.Contains(claim, StringComparer.Ordinal))
            {
                claims.Add(claim);
            }
        }

        entries["claims_supported"] = claims.ToArray();
    }

    /// <summary>Writes the engine's metadata over Duende's entries, when the registration endpoint is mapped.</summary>
    /// <param name="entries">Duende's discovery entries.</param>
    /// <param name="baseUrl">The base URL (origin and path base).</param>
    /// <returns>A task.</returns>
    protected virtual Task AddRegistrationMetadataAsync(Dictionary<string, object> entries, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var path = Links.GetPathByName(ObieRegistrationEndpoint.EndpointName, values: null);
        if (path is null)
        {
            Logger.RegistrationEndpointNotMapped();
            return Task.CompletedTask;
        }

        var endpoint = new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), path.TrimStart('/'));
        foreach (var (name, value) in Metadata.GetMetadata(endpoint))
        {
            entries[name] = value;
        }

        return Task.CompletedTask;
    }
}
