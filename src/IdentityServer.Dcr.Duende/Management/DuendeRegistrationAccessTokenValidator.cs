// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Duende.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Management;

/// <summary>
/// Validates management access tokens with Duende's own <see cref="ITokenValidator"/>: signature, lifetime, that the
/// client still exists and is enabled (so tokens of a deleted client fail), reference tokens against the grant store,
/// and the adapter's revocation list (<see cref="DuendeClientTokenRevoker"/>).
/// </summary>
/// <remarks>
/// Also checks certificate binding: a token with a <c>cnf</c> <c>x5t#S256</c> must come with that certificate. The
/// result carries the token's client and its scopes (Duende keeps no token identifier for JWTs).
/// </remarks>
public class DuendeRegistrationAccessTokenValidator : IRegistrationAccessTokenValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="tokens">Duende's token validator.</param>
    /// <param name="grants">Duende's persisted grant store (revocation list).</param>
    /// <param name="certificates">Reads the transport certificate.</param>
    /// <param name="logger">The logger.</param>
    public DuendeRegistrationAccessTokenValidator(
        ITokenValidator tokens,
        IPersistedGrantStore grants,
        IClientCertificateAccessor certificates,
        ILogger<DuendeRegistrationAccessTokenValidator> logger)
    {
        Tokens = tokens;
        Grants = grants;
        Certificates = certificates;
        Logger = logger;
    }

    /// <summary>Reads the transport certificate (connection, or a trusted proxy's header).</summary>
    protected IClientCertificateAccessor Certificates { get; }

    /// <summary>Duende's token validator.</summary>
    protected ITokenValidator Tokens { get; }

    /// <summary>Duende's persisted grant store.</summary>
    protected IPersistedGrantStore Grants { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<RegistrationAccessTokenResult> ValidateAsync(HttpContext context, string accessToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        var result = await Tokens.ValidateAccessTokenAsync(accessToken).ConfigureAwait(false);
        if (result.IsError || result.Claims is null)
        {
            Logger.ManagementTokenInvalid(result.Error);
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenNotValidOrClientGone);
        }

        var claims = result.Claims.ToList();
        var clientId = claims.FirstOrDefault(c => c.Type == JwtClaimTypes.ClientId)?.Value;
        if (string.IsNullOrEmpty(clientId))
        {
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenNamesNoClient);
        }

        if (await Grants.GetAsync(DuendeClientTokenRevoker.RevocationKey(accessToken)).ConfigureAwait(false) is not null)
        {
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenRevoked);
        }

        var confirmation = claims.FirstOrDefault(c => c.Type == JwtClaimTypes.Confirmation)?.Value;
        if (confirmation is not null && !await IsBoundToConnectionAsync(context, confirmation, ct).ConfigureAwait(false))
        {
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenBoundElsewhere);
        }

        return RegistrationAccessTokenResult.Success(clientId, null, Scopes(claims));
    }

    /// <summary>
    /// The token's scopes: one <c>scope</c> claim per scope (Duende's default JWT shape), or one space-delimited claim
    /// (<c>EmitScopesAsSpaceDelimitedStringInJwt</c>); either way each value is split on spaces.
    /// </summary>
    private static IEnumerable<string> Scopes(List<System.Security.Claims.Claim> claims)
        => claims.Where(c => c.Type == JwtClaimTypes.Scope)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private async Task<bool> IsBoundToConnectionAsync(HttpContext context, string confirmation, CancellationToken ct)
    {
        using var document = System.Text.Json.JsonDocument.Parse(confirmation);
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object
            || !document.RootElement.TryGetProperty("x5t#S256", out var thumbprint)
            || thumbprint.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            // Another confirmation method (a DPoP jkt, say) that this endpoint cannot verify: a bound token is never
            // taken as a bearer token.
            return false;
        }

        var certificate = await Certificates.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
        if (certificate is null)
        {
            return false;
        }

        var expected = Base64Url.EncodeToString(SHA256.HashData(certificate.RawData));
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes(thumbprint.GetString() ?? string.Empty));
    }
}
