// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.Jwks;
using Jose;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// <c>private_key_jwt</c> with the client's keys at a JWKS URL (<see cref="ObieSecretTypes.JwksUri"/> secrets): finds
/// the assertion's <c>kid</c> through the engine's <see cref="IJwksResolver"/> (cached, refreshed on an unknown
/// <c>kid</c>, SSRF-guarded) and lets Duende's <see cref="PrivateKeyJwtSecretValidator"/> verify the assertion with it.
/// </summary>
/// <remarks>
/// Duende reads client keys only from inline secrets (<c>jwks_uri</c> is not supported: products#754); this validator
/// adds that, so a TPP can rotate the keys behind its <c>software_jwks_endpoint</c> without re-registering. Added to
/// Duende's secret validators by <c>AddObieDynamicClientRegistration</c>.
/// </remarks>
public class JwksUriSecretValidator : ISecretValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="jwks">The engine's JWKS resolver.</param>
    /// <param name="privateKeyJwt">Duende's assertion validator (audience, lifetime, replay, signature).</param>
    /// <param name="options">The engine options (<see cref="RegistrationOptions.MaxClientAssertionLifetime"/>).</param>
    /// <param name="logger">The logger.</param>
    public JwksUriSecretValidator(IJwksResolver jwks, PrivateKeyJwtSecretValidator privateKeyJwt, IOptionsMonitor<DcrOptions> options, ILogger<JwksUriSecretValidator> logger)
    {
        Jwks = jwks;
        PrivateKeyJwt = privateKeyJwt;
        Options = options;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The engine's JWKS resolver.</summary>
    protected IJwksResolver Jwks { get; }

    /// <summary>Duende's assertion validator.</summary>
    protected PrivateKeyJwtSecretValidator PrivateKeyJwt { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<SecretValidationResult> ValidateAsync(IEnumerable<Secret> secrets, ParsedSecret parsedSecret)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(parsedSecret);
        var fail = new SecretValidationResult { Success = false };
        if (parsedSecret.Type != IdentityServerConstants.ParsedSecretTypes.JwtBearer || parsedSecret.Credential is not string assertion)
        {
            return fail;
        }

        var locations = secrets
            .Where(s => s.Type == ObieSecretTypes.JwksUri && (s.Expiration is null || s.Expiration > DateTime.UtcNow))
            .Select(s => s.Value)
            .ToList();
        if (locations.Count == 0)
        {
            // A client with keys in its own secrets (not registered through DCR): Duende's validator, unchanged. It is
            // called only from here (see AddObieDynamicClientRegistration), so it never runs, and logs, for clients
            // whose keys live at a JWKS URI.
            return secrets.Any(s => s.Type is IdentityServerConstants.SecretTypes.JsonWebKey or IdentityServerConstants.SecretTypes.X509CertificateBase64)
                ? await PrivateKeyJwt.ValidateAsync(secrets, parsedSecret).ConfigureAwait(false)
                : fail;
        }

        string? keyId;
        DateTime expiresAt;
        try
        {
            var token = new JsonWebToken(assertion);
            keyId = token.Kid;
            expiresAt = token.ValidTo;
        }
        catch (ArgumentException)
        {
            return fail;
        }

        // A used assertion is remembered (Duende's replay cache) until it expires: refuse long-lived ones.
        if (Options.CurrentValue.ClientAssertionExpiresTooLate(new DateTimeOffset(expiresAt, TimeSpan.Zero), DateTimeOffset.UtcNow))
        {
            Logger.AssertionLifetimeTooLong(expiresAt);
            return fail;
        }

        foreach (var location in locations)
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            {
                continue;
            }

            JwksLookupResult lookup;
            try
            {
                lookup = await Jwks.FindKeyAsync(uri, keyId, JwksSourceKind.Software, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DcrInfrastructureException exception)
            {
                Logger.AssertionKeysUnavailable(location, exception);
                continue;
            }

            if (lookup.Status != JwksLookupStatus.Found)
            {
                Logger.AssertionKeyNotFound(keyId, location, lookup.Reason);
                continue;
            }

            var key = new Secret { Type = IdentityServerConstants.SecretTypes.JsonWebKey, Value = lookup.Key!.ToJson(JWT.DefaultSettings.JsonMapper) };
            var result = await PrivateKeyJwt.ValidateAsync([key], parsedSecret).ConfigureAwait(false);
            if (result.Success)
            {
                return result;
            }
        }

        return fail;
    }
}
