// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using Duende.IdentityServer.Stores;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Jwks;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// <c>private_key_jwt</c> with the client's keys at a JWKS URL (<see cref="ObieSecretTypes.JwksUri"/> secrets): the
/// engine's <see cref="IClientAuthenticator"/> checks the assertion's form, registered algorithm, claims (<c>iss</c> =
/// <c>sub</c> = client, <c>jti</c>, <c>exp</c> within the lifetime cap, <c>nbf</c>) and finds its key in the JWKS
/// (cached, refreshed on an unknown <c>kid</c>, SSRF-guarded; no <c>kid</c>: the one key that fits the algorithm); then
/// Duende's <see cref="PrivateKeyJwtSecretValidator"/> verifies signature, audience and replay with that key.
/// </summary>
/// <remarks>
/// Duende reads client keys only from inline secrets (<c>jwks_uri</c> is not supported: products#754); this validator
/// adds that, so a TPP can rotate the keys behind its <c>software_jwks_endpoint</c> without re-registering. Added to
/// Duende's secret validators by <c>AddObieDynamicClientRegistration</c>.
/// </remarks>
public class JwksUriSecretValidator : ISecretValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="authenticator">The engine's client authentication rules.</param>
    /// <param name="privateKeyJwt">Duende's assertion validator (audience, lifetime, replay, signature).</param>
    /// <param name="clients">Duende's client store (the registered algorithm).</param>
    /// <param name="usedTokens">The DCR store's used-token table: the durable replay check shared by all instances.</param>
    /// <param name="timeProvider">The clock (secret expiry).</param>
    /// <param name="logger">The logger.</param>
    public JwksUriSecretValidator(
        IClientAuthenticator authenticator,
        PrivateKeyJwtSecretValidator privateKeyJwt,
        IClientStore clients,
        EntityFrameworkClientRegistrationStore usedTokens,
        TimeProvider timeProvider,
        ILogger<JwksUriSecretValidator> logger)
    {
        Authenticator = authenticator;
        UsedTokens = usedTokens;
        PrivateKeyJwt = privateKeyJwt;
        Clients = clients;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The engine's client authentication rules.</summary>
    protected IClientAuthenticator Authenticator { get; }

    /// <summary>Duende's assertion validator.</summary>
    protected PrivateKeyJwtSecretValidator PrivateKeyJwt { get; }

    /// <summary>Duende's client store.</summary>
    protected IClientStore Clients { get; }

    /// <summary>The DCR store (used client assertions).</summary>
    protected EntityFrameworkClientRegistrationStore UsedTokens { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

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

        var now = TimeProvider.GetUtcNow().UtcDateTime;
        var locations = ObieSecretTypes.CurrentJwksUris(secrets, now).ToList();
        if (locations.Count == 0)
        {
            // A client with keys in its own secrets (not registered through DCR): Duende's validator, unchanged. It is
            // called only from here (see AddObieDynamicClientRegistration), so it never runs, and logs, for clients
            // whose keys live at a JWKS URI.
            return secrets.Any(
                s => s.Type is IdentityServerConstants.SecretTypes.JsonWebKey or IdentityServerConstants.SecretTypes.X509CertificateBase64)
                ? await PrivateKeyJwt.ValidateAsync(secrets, parsedSecret).ConfigureAwait(false)
                : fail;
        }

        string? algorithm = null;
        if (!string.IsNullOrEmpty(parsedSecret.Id)
            && await Clients.FindClientByIdAsync(parsedSecret.Id).ConfigureAwait(false) is { } client)
        {
            client.Properties.TryGetValue(ObieClientProperties.TokenEndpointAuthSigningAlg, out algorithm);
        }

        foreach (var location in locations)
        {
            var registered = new RegisteredClient(parsedSecret.Id ?? string.Empty, "private_key_jwt", algorithm, null, location);
            ClientAssertionCheck check;
            try
            {
                check = await Authenticator.CheckAssertionAsync(registered, assertion, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DcrInfrastructureException exception)
            {
                Logger.AssertionKeysUnavailable(ClientText.Sanitize(location, 200), exception);
                continue;
            }

            if (!check.Succeeded)
            {
                continue;
            }

            var key = new Secret { Type = IdentityServerConstants.SecretTypes.JsonWebKey, Value = JwkJson.Of(check.Key) };
            var result = await PrivateKeyJwt.ValidateAsync([key], parsedSecret).ConfigureAwait(false);
            if (!result.Success)
            {
                continue;
            }

            // Duende's replay cache lives in each instance's memory by default: the used-token table is shared, so a
            // copy of the assertion sent to another instance at the same time is refused too.
            var recorded = await UsedTokens.TryRecordClientAssertionAsync(
                registered.ClientId,
                check.TokenId,
                check.ExpiresAt,
                CancellationToken.None).ConfigureAwait(false);
            if (!recorded)
            {
                Logger.AssertionReplayed(ClientText.Sanitize(registered.ClientId));
                return fail;
            }

            return result;
        }

        return fail;
    }
}
