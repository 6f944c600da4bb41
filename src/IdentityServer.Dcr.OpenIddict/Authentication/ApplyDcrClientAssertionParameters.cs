// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Adjusts OpenIddict's validation of a registered client's <c>private_key_jwt</c> assertion, and only that: the
/// key comes from the client's <c>jwks_uri</c> through the engine's <see cref="IJwksResolver"/> (cached, refreshed
/// once on an unknown <c>kid</c>, SSRF policy applied); the algorithm must be the registered
/// <c>token_endpoint_auth_signing_alg</c>; <c>typ</c> may be absent or <c>JWT</c> as well as
/// <c>client-authentication+jwt</c>; <c>aud</c> may be the token endpoint URL as well as the issuer.
/// </summary>
/// <remarks>
/// OpenIddict 7.8 accepts only the draft-ietf-oauth-rfc7523bis form (explicit <c>client-authentication+jwt</c> type,
/// issuer audience), which UK TPPs do not send: RFC 7523 and OpenID Connect Core §9 (token endpoint audience) are
/// what OBIE and FAPI 1 clients implement. The relaxation is safe here because the confusion rfc7523bis guards against
/// (a JWT minted for another audience replayed as a client assertion) is closed by the other checks that still run:
/// the key is the TPP's own software key, the algorithm is pinned per client, the audience must still name this
/// authorization server, <c>iss</c> = <c>sub</c> = <c>client_id</c>, <c>exp</c> is required and <c>jti</c> is
/// single-use (<see cref="RejectReplayedDcrClientAssertion"/>). Clients without a registration keep OpenIddict's
/// defaults.
/// </remarks>
public sealed class ApplyDcrClientAssertionParameters : IOpenIddictServerHandler<ValidateTokenContext>
{
    private readonly IJwksResolver _jwks;
    private readonly IOptionsMonitor<DcrOptions> _options;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="jwks">Resolves the TPP's keys.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="logger">The logger.</param>
    public ApplyDcrClientAssertionParameters(IJwksResolver jwks, IOptionsMonitor<DcrOptions> options, ILogger<ApplyDcrClientAssertionParameters> logger)
    {
        _jwks = jwks;
        _options = options;
        _logger = logger;
    }

    /// <summary>The descriptor: right after OpenIddict resolves its token validation parameters.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<ApplyDcrClientAssertionParameters>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ValidTokenTypes.Count != 1 || !context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion)
            || DcrClientAuthenticationState.Get(context.Transaction) is not { } state
            || context.TokenValidationParameters is not { } parameters
            || string.IsNullOrEmpty(context.Token))
        {
            return;
        }

        var client = state.Client;
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(context.Token);
        }
        catch (ArgumentException)
        {
            context.Reject(Errors.InvalidClient, "The client assertion is not a JWT.");
            return;
        }

        var algorithms = client.TokenEndpointAuthSigningAlg is { Length: > 0 } registered
            ? [registered]
            : _options.CurrentValue.Registration.TokenEndpointAuthSigningAlgorithms.ToArray();
        if (!algorithms.Contains(token.Alg, StringComparer.Ordinal))
        {
            context.Reject(Errors.InvalidClient, "The client assertion is not signed with the registered token_endpoint_auth_signing_alg.");
            return;
        }

        if (!Uri.TryCreate(client.JwksUri, UriKind.Absolute, out var jwksUri))
        {
            context.Reject(Errors.InvalidClient, "The client has no usable jwks_uri.");
            return;
        }

        var kid = string.IsNullOrEmpty(token.Kid) ? null : token.Kid;
        JwksLookupResult lookup;
        try
        {
            var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
            lookup = await _jwks.FindKeyAsync(jwksUri, kid, JwksSourceKind.Software, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            // An OAuth error rather than a 5xx: the client may simply retry.
            _logger.JwksUnavailable(client.ClientId, exception);
            context.Reject(Errors.InvalidClient, "The client's JWKS could not be fetched; try again later.");
            return;
        }

        if (lookup.Key is not { } jwk)
        {
            _logger.AssertionKeyNotFound(client.ClientId, kid, lookup.Reason);
            context.Reject(Errors.InvalidClient, "The client assertion's signing key is not in the client's JWKS.");
            return;
        }

        var key = JsonWebKey.Create(jwk.ToJson());
        parameters.IssuerSigningKeyResolver = null;
        parameters.IssuerSigningKeys = [key];
        parameters.ValidAlgorithms = algorithms;
        parameters.ValidTypes = [.. parameters.ValidTypes ?? [], "JWT"];

        foreach (var audience in TokenEndpointAudiences(context))
        {
            context.ValidAudiences.Add(audience);
        }
    }

    private static IEnumerable<string> TokenEndpointAudiences(ValidateTokenContext context)
    {
        var issuer = context.Options.Issuer ?? context.BaseUri;
        if (issuer is null)
        {
            yield break;
        }

        var baseUri = issuer.AbsoluteUri.EndsWith('/') ? issuer : new Uri(issuer.AbsoluteUri + "/");
        foreach (var uri in context.Options.TokenEndpointUris.Append(context.Options.MtlsTokenEndpointAliasUri))
        {
            if (uri is null)
            {
                continue;
            }

            yield return uri.IsAbsoluteUri ? uri.AbsoluteUri : new Uri(baseUri, uri.OriginalString.TrimStart('/')).AbsoluteUri;
        }
    }
}
