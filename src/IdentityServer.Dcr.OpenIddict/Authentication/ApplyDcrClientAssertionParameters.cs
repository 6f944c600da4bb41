// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Jwks;
using Jose;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Adjusts OpenIddict's validation of a registered client's <c>private_key_jwt</c> assertion, and only that: the
/// key is the one the engine's <see cref="IClientAuthenticator"/> found in the client's <c>jwks_uri</c> (cached,
/// refreshed once on an unknown <c>kid</c>, SSRF policy applied; no <c>kid</c>: the one key that fits the algorithm),
/// after it checked the form, algorithm and claims; the algorithm is the one it accepted; <c>typ</c> may be absent or
/// <c>JWT</c> as well as <c>client-authentication+jwt</c>; <c>aud</c> may be the token endpoint URL as well as the issuer.
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
    /// <summary>The IdentityModel form of each key the engine's JWKS cache holds, made once per key object.</summary>
    private static readonly ConditionalWeakTable<Jwk, JsonWebKey> Keys = new();

    /// <summary>The descriptor: right after OpenIddict resolves its token validation parameters.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<ApplyDcrClientAssertionParameters>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ValidTokenTypes.Count != 1 || !context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion)
            || DcrClientAuthenticationState.Get(context.Transaction) is not { } state
            || context.TokenValidationParameters is not { } parameters
            || string.IsNullOrEmpty(context.Token))
        {
            return ValueTask.CompletedTask;
        }

        // The engine found the key (and checked the algorithm, claims and form) before OpenIddict validates the token.
        if (state.Assertion is not { Succeeded: true } assertion)
        {
            context.Reject(Errors.InvalidClient, DcrErrorDescriptions.AssertionNotChecked);
            return ValueTask.CompletedTask;
        }

        parameters.IssuerSigningKeyResolver = null;
        parameters.IssuerSigningKeys = [Keys.GetValue(assertion.Key, static jwk => JsonWebKey.Create(JwkJson.Of(jwk)))];
        parameters.ValidAlgorithms = [assertion.Algorithm];
        parameters.ValidTypes = [.. parameters.ValidTypes ?? [], "JWT"];

        foreach (var audience in TokenEndpointAudiences(context))
        {
            context.ValidAudiences.Add(audience);
        }

        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> TokenEndpointAudiences(ValidateTokenContext context)
    {
        var issuer = context.Options.Issuer ?? context.BaseUri;
        if (issuer is null)
        {
            yield break;
        }

        var baseUri = issuer.AbsoluteUri.EndsWith('/') ? issuer : new Uri(issuer.AbsoluteUri + "/");
        // The pushed authorization endpoint authenticates clients the same way (RFC 9126 §2): its URL is an audience too.
        foreach (var uri in context.Options.TokenEndpointUris.Append(context.Options.MtlsTokenEndpointAliasUri)
            .Concat(context.Options.PushedAuthorizationEndpointUris).Append(context.Options.MtlsPushedAuthorizationEndpointAliasUri))
        {
            if (uri is null)
            {
                continue;
            }

            yield return uri.IsAbsoluteUri ? uri.AbsoluteUri : new Uri(baseUri, uri.OriginalString.TrimStart('/')).AbsoluteUri;
        }
    }
}
