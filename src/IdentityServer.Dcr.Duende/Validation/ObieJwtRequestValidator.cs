// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Duende.Validation;

/// <summary>
/// Duende's <see cref="JwtRequestValidator"/> (request objects at the authorize and PAR endpoints) with the keys a TPP
/// publishes at its <c>software_jwks_endpoint</c> (<see cref="ObieSecretTypes.JwksUri"/> secrets), found by the request
/// object's <c>kid</c> through the engine's <see cref="IJwksResolver"/>, so the TPP can rotate them without
/// re-registering.
/// </summary>
/// <remarks>
/// <para>
/// Duende reads request object keys only from inline <c>JWK</c> and <c>X509CertificateBase64</c> secrets
/// (<see cref="JwtRequestValidator.GetKeysAsync"/> sees the client, not the token). This class validates in two phases:
/// <see cref="ValidateAsync"/> reads the header, checks its <c>alg</c> against what the client registered and resolves
/// its <c>kid</c>; then Duende's own validation (signature, issuer, audience, lifetime, <c>typ</c> when strict) runs
/// with the resolved key added to the client's inline ones. An unknown <c>kid</c> (after the resolver's one refresh)
/// or an unreachable JWKS leaves no key to verify with, and the request object is refused.
/// </para>
/// <para>
/// For clients registered through OBIE DCR the <c>alg</c> must be the registered <c>request_object_signing_alg</c>,
/// or else one of <see cref="RegistrationOptions.RequestObjectSigningAlgorithms"/>; Duende's
/// <c>SupportedRequestObjectSigningAlgorithms</c> still applies on top. Other clients are validated as by Duende.
/// Installed by <c>AddObieDynamicClientRegistration</c> in place of Duende's default.
/// </para>
/// </remarks>
public class ObieJwtRequestValidator : JwtRequestValidator
{
    /// <summary>The IdentityModel form of each key the engine's JWKS cache holds, made once per key object, not per request.</summary>
    private static readonly ConditionalWeakTable<Jose.Jwk, Microsoft.IdentityModel.Tokens.JsonWebKey> SecurityKeys = new();

    // The keys resolved for the request object being validated, for GetKeysAsync (which sees only the client).
    private static readonly AsyncLocal<IReadOnlyList<SecurityKey>?> ResolvedKeys = new();

    /// <summary>Creates the validator.</summary>
    /// <param name="options">Duende's options.</param>
    /// <param name="issuerNameService">Duende's issuer name (the expected audience).</param>
    /// <param name="jwks">The engine's JWKS resolver.</param>
    /// <param name="dcrOptions">The engine options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public ObieJwtRequestValidator(
        IdentityServerOptions options,
        IIssuerNameService issuerNameService,
        IJwksResolver jwks,
        IOptionsMonitor<DcrOptions> dcrOptions,
        TimeProvider timeProvider,
        ILogger<JwtRequestValidator> logger)
        : base(options, issuerNameService, logger)
    {
        Jwks = jwks;
        DcrOptions = dcrOptions;
        TimeProvider = timeProvider;
    }

    /// <summary>The clock (secret expiry).</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The engine's JWKS resolver.</summary>
    protected IJwksResolver Jwks { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> DcrOptions { get; }

    /// <summary>Checks the <c>alg</c> and resolves the <c>kid</c> of the request object, then runs Duende's validation.</summary>
    /// <param name="context">The request object and its client.</param>
    /// <returns>Duende's result; an error when the algorithm is not the client's or no key verifies the signature.</returns>
    public override async Task<JwtRequestValidationResult> ValidateAsync(JwtRequestValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Client is not { } client || string.IsNullOrWhiteSpace(context.JwtTokenString))
        {
            return await base.ValidateAsync(context).ConfigureAwait(false);
        }

        if (client.Properties.ContainsKey(ObieClientProperties.TokenEndpointAuthMethod) && !JwsEncoding.IsBase64UrlCompact(context.JwtTokenString))
        {
            // RFC 7515: base64url without padding in every part; Duende's reader would accept standard base64.
            Logger.RequestObjectEncodingRefused(client.ClientId);
            return new JwtRequestValidationResult { IsError = true };
        }

        JsonWebToken header;
        try
        {
            header = new JsonWebToken(context.JwtTokenString);
        }
        catch (ArgumentException)
        {
            // Not a JWS: Duende's validation refuses it and says why.
            return await base.ValidateAsync(context).ConfigureAwait(false);
        }

        if (!IsAllowedAlgorithm(client, header.Alg))
        {
            Logger.RequestObjectAlgorithmRefused(client.ClientId, ClientText.Sanitize(header.Alg));
            return new JwtRequestValidationResult { IsError = true };
        }

        ResolvedKeys.Value = await ResolveKeysAsync(client, header.Kid, header.Alg).ConfigureAwait(false);
        try
        {
            return await base.ValidateAsync(context).ConfigureAwait(false);
        }
        finally
        {
            ResolvedKeys.Value = null;
        }
    }

    /// <summary>The client's inline keys (Duende's), plus the key resolved for the request object being validated.</summary>
    /// <param name="client">The client.</param>
    /// <returns>The keys.</returns>
    protected override async Task<List<SecurityKey>> GetKeysAsync(Client client)
    {
        var keys = await base.GetKeysAsync(client).ConfigureAwait(false);
        if (ResolvedKeys.Value is { } resolved)
        {
            keys.AddRange(resolved);
        }

        return keys;
    }

    /// <summary>
    /// Whether <paramref name="algorithm"/> may sign the client's request objects: for a client registered through OBIE
    /// DCR its registered <c>request_object_signing_alg</c>, or else one the engine accepts; any for other clients.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="algorithm">The <c>alg</c> of the request object's header.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    protected virtual bool IsAllowedAlgorithm(Client client, string? algorithm)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!client.Properties.ContainsKey(ObieClientProperties.TokenEndpointAuthMethod))
        {
            return true;
        }

        if (client.Properties.TryGetValue(ObieClientProperties.RequestObjectSigningAlg, out var registered))
        {
            return string.Equals(algorithm, registered, StringComparison.Ordinal);
        }

        var accepted = DcrOptions.CurrentValue.Registration.RequestObjectSigningAlgorithms;
        return accepted.Count == 0 || accepted.Contains(algorithm ?? string.Empty, StringComparer.Ordinal);
    }

    /// <summary>Finds <paramref name="keyId"/> at each of the client's <see cref="ObieSecretTypes.JwksUri"/> secrets.</summary>
    /// <param name="client">The client.</param>
    /// <param name="keyId">The request object's <c>kid</c>; absent or empty matches the one key that fits <paramref name="algorithm"/>.</param>
    /// <param name="algorithm">The request object's <c>alg</c>.</param>
    /// <returns>The keys found (none when the client has no JWKS URL or none holds the key).</returns>
    protected virtual async Task<IReadOnlyList<SecurityKey>> ResolveKeysAsync(Client client, string? keyId, string? algorithm)
    {
        ArgumentNullException.ThrowIfNull(client);
        var keys = new List<SecurityKey>();
        var now = TimeProvider.GetUtcNow().UtcDateTime;
        foreach (var location in ObieSecretTypes.CurrentJwksUris(client.ClientSecrets, now))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            {
                continue;
            }

            JwksLookupResult lookup;
            try
            {
                lookup = await Jwks.FindKeyAsync(uri, keyId, algorithm, JwksSourceKind.Software, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DcrInfrastructureException exception)
            {
                Logger.RequestObjectKeysUnavailable(ClientText.Sanitize(location, 200), exception);
                continue;
            }

            if (lookup.Status != JwksLookupStatus.Found)
            {
                Logger.RequestObjectKeyNotFound(client.ClientId, ClientText.Sanitize(keyId), ClientText.Sanitize(location, 200), lookup.Reason);
                continue;
            }

            keys.Add(SecurityKeys.GetValue(lookup.Key!, static jwk => new Microsoft.IdentityModel.Tokens.JsonWebKey(JwkJson.Of(jwk))));
        }

        return keys;
    }
}
