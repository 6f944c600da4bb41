// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.TrustAnchors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// The default <see cref="ISoftwareStatementValidator"/>. Steps, in order: <see cref="ParseAsync"/>,
/// <see cref="VerifySignatureAsync"/>, <see cref="ValidateLifetimeAsync"/>, <see cref="ReadClaimsAsync"/>,
/// <see cref="ValidatePolicyAsync"/>.
/// </summary>
public class SoftwareStatementValidator : ISoftwareStatementValidator
{
    private const int MaxUriLength = 2048;

    // The Directory's URI-valued SSA claims other than software_jwks_endpoint and software_redirect_uris.
    private static readonly string[] SoftwareStatementUriClaims =
    [
        "software_client_uri", "software_logo_uri", "software_policy_uri", "software_tos_uri",
        "software_jwks_revoked_endpoint", "org_jwks_endpoint", "org_jwks_revoked_endpoint",
    ];

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="anchors">Finds trust anchors' keys.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public SoftwareStatementValidator(
        IOptionsMonitor<DcrOptions> options,
        ITrustAnchorKeyResolver anchors,
        TimeProvider timeProvider,
        ILogger<SoftwareStatementValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Anchors = anchors;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>Finds trust anchors' keys.</summary>
    protected ITrustAnchorKeyResolver Anchors { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public async Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Options.CurrentValue.SoftwareStatement;

        DcrStepResult result;
        if (!(result = await ParseAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await VerifySignatureAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidateLifetimeAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ReadClaimsAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidatePolicyAsync(context, options, ct).ConfigureAwait(false)).Succeeded)
        {
            return result;
        }

        return DcrStepResult.Success;
    }

    /// <summary>Step 1: reads the <c>software_statement</c> claim and parses it as a compact JWS (no trust yet).</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The SSA options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ParseAsync(DcrRequestContext context, SoftwareStatementOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var state = ClaimReader.ReadString(context.RequestClaims, "software_statement", out var ssa);
        if (state == ClaimState.WrongType)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementNotString);
        }

        if (state == ClaimState.Absent || string.IsNullOrEmpty(ssa))
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementMissing);
        }

        if (!CompactJws.TryParse(ssa, options.MaxLength, out var jws, out var error))
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementMalformed(error));
        }

        if (jws.Header.TryGetProperty("typ", out var typ)
            && (typ.ValueKind != JsonValueKind.String || !string.Equals(typ.GetString(), "JWT", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementTyp);
        }

        context.SoftwareStatementToken = jws;
        return DcrStepResult.SuccessTask;
    }

    /// <summary>
    /// Step 2: finds the trust anchor by <c>iss</c>, resolves its key by <c>kid</c> and verifies the signature with the
    /// expected algorithm. Keys are never taken from the token's own headers.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The SSA options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual async Task<DcrStepResult> VerifySignatureAsync(
        DcrRequestContext context,
        SoftwareStatementOptions options,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jws = context.SoftwareStatementToken!;
        if (ClaimReader.ReadString(jws.Payload, "iss", out var issuer) != ClaimState.Present || string.IsNullOrEmpty(issuer))
        {
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.SoftwareStatementIssuerMissing);
        }

        if (!Anchors.TryGetAnchor(issuer, out var algorithms))
        {
            Logger.SoftwareStatementUntrustedIssuer(DcrErrorDescriptions.Truncate(issuer));
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.SoftwareStatementUntrustedIssuer(issuer));
        }

        if (!algorithms.Contains(jws.Algorithm))
        {
            Logger.SoftwareStatementAlgorithmRefused(DcrErrorDescriptions.Truncate(issuer), DcrErrorDescriptions.Truncate(jws.Algorithm));
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.AlgorithmNotAccepted("software statement", jws.Algorithm, algorithms));
        }

        var lookup = await Anchors.FindKeyAsync(issuer, jws.KeyId, jws.Algorithm, ct).ConfigureAwait(false);
        if (lookup.Status != JwksLookupStatus.Found)
        {
            Logger.SoftwareStatementKeyNotFound(DcrErrorDescriptions.Truncate(issuer), DcrErrorDescriptions.Truncate(jws.KeyId));
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.SoftwareStatementKeyNotFound(lookup.Reason));
        }

        if (!JwsVerifier.TryVerify(jws, lookup.Key!, algorithms, out var failure))
        {
            Logger.SoftwareStatementSignatureInvalid(DcrErrorDescriptions.Truncate(issuer), DcrErrorDescriptions.Truncate(jws.KeyId), failure);
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.SoftwareStatementSignatureInvalid(failure));
        }

        return DcrStepResult.Success;
    }

    /// <summary>
    /// Step 3: <c>iat</c> is required, not in the future and within <see cref="SoftwareStatementOptions.MaxAge"/>;
    /// <c>exp</c> and <c>nbf</c> are honoured when present.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The SSA options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateLifetimeAsync(DcrRequestContext context, SoftwareStatementOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var claims = context.SoftwareStatementToken!.Payload;
        var now = TimeProvider.GetUtcNow();
        var skew = options.ClockSkew;

        var iat = ClaimReader.ReadNumericDate(claims, "iat", out var issuedAt);
        if (iat != ClaimState.Present)
        {
            return Fail(iat == ClaimState.Absent
                ? DcrErrorDescriptions.SoftwareStatementIatMissing
                : DcrErrorDescriptions.SoftwareStatementIatNotNumericDate);
        }

        if (issuedAt > now + skew)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementIatInFuture);
        }

        if (options.MaxAge > TimeSpan.Zero && now - issuedAt > options.MaxAge + skew)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementTooOld(options.MaxAge));
        }

        var exp = ClaimReader.ReadNumericDate(claims, "exp", out var expiresAt);
        if (exp == ClaimState.WrongType)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementExpNotNumericDate);
        }

        if (exp == ClaimState.Present && now - skew >= expiresAt)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementExpired);
        }

        var nbf = ClaimReader.ReadNumericDate(claims, "nbf", out var notBefore);
        if (nbf == ClaimState.WrongType || (nbf == ClaimState.Present && notBefore > now + skew))
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementNotYetValid);
        }

        return DcrStepResult.SuccessTask;
    }

    /// <summary>Step 4: reads the Directory profile's claims into <see cref="DcrRequestContext.SoftwareStatement"/>, checking their types.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The SSA options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ReadClaimsAsync(DcrRequestContext context, SoftwareStatementOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var jws = context.SoftwareStatementToken!;
        var claims = jws.Payload;

        if (!RequiredString(claims, "software_id", 64, out var softwareId, out var error)
            || !RequiredString(claims, "org_id", 64, out var orgId, out error)
            || !OptionalString(claims, "org_name", out var orgName, out error)
            || !OptionalString(claims, "org_status", out var orgStatus, out error)
            || !OptionalString(claims, "software_mode", out var mode, out error)
            || !OptionalString(claims, "software_environment", out var environment, out error)
            || !OptionalString(claims, "software_jwks_endpoint", out var jwksEndpoint, out error))
        {
            return Fail(error!);
        }

        Uri? jwksUri = null;
        if (jwksEndpoint is { Length: > MaxUriLength })
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementClaimTooLong("software_jwks_endpoint", MaxUriLength));
        }

        var allowHttp = Options.CurrentValue.Jwks.AllowHttp;
        if (jwksEndpoint is not null && UriRules.CheckAbsoluteHttps(jwksEndpoint, allowHttp, out jwksUri) is { } jwksProblem)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementJwksEndpointInvalid(jwksProblem));
        }

        // Every other URI the directory states about the TPP: a signature does not make a URI valid.
        foreach (var name in SoftwareStatementUriClaims)
        {
            var uriState = ClaimReader.ReadString(claims, name, out var value);
            if (uriState == ClaimState.WrongType)
            {
                return Fail(DcrErrorDescriptions.SoftwareStatementClaimNotString(name));
            }

            if (uriState == ClaimState.Present
                && (value!.Length > MaxUriLength || UriRules.CheckAbsoluteHttps(value, allowHttp: false, out _) is not null))
            {
                return Fail(DcrErrorDescriptions.SoftwareStatementUriInvalid(name, MaxUriLength));
            }
        }

        if (jwksUri is null && options.RequireSoftwareJwksEndpoint)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementJwksEndpointMissing);
        }

        if (ClaimReader.ReadStringArray(claims, "software_redirect_uris", out var redirectUris) == ClaimState.WrongType)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementRedirectUrisNotStrings);
        }

        if (ClaimReader.ReadStringArray(claims, "software_roles", out var roles) == ClaimState.WrongType)
        {
            return Fail(DcrErrorDescriptions.SoftwareStatementRolesNotStrings);
        }

        string? registrationId = null;
        if (claims.TryGetProperty("organisation_competent_authority_claims", out var authority)
            && authority.ValueKind == JsonValueKind.Object
            && ClaimReader.ReadString(authority, "registration_id", out var id) == ClaimState.Present)
        {
            registrationId = id;
        }

        ClaimReader.ReadNumericDate(claims, "iat", out var issuedAt);
        ClaimReader.ReadString(claims, "iss", out var issuer);
        context.SoftwareStatement = new SoftwareStatement
        {
            Jwt = jws.Token,
            Claims = claims,
            Issuer = issuer!,
            IssuedAt = issuedAt,
            SoftwareId = softwareId!,
            OrganisationId = orgId!,
            OrganisationName = orgName,
            OrganisationStatus = orgStatus,
            SoftwareMode = mode,
            SoftwareEnvironment = environment,
            SoftwareJwksEndpoint = jwksUri,
            SoftwareRedirectUris = redirectUris,
            SoftwareRoles = roles,
            CompetentAuthorityRegistrationId = registrationId,
        };
        return DcrStepResult.SuccessTask;
    }

    /// <summary>
    /// Step 5: the bank's approval policy: organisation status, software mode and environment, allow and deny lists,
    /// required roles. Failures are <c>unapproved_software_statement</c>.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The SSA options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidatePolicyAsync(DcrRequestContext context, SoftwareStatementOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var ssa = context.SoftwareStatement!;
        string? refusal = null;

        if (options.RequireActiveOrganisation
            && !string.Equals(ssa.OrganisationStatus, "Active", StringComparison.OrdinalIgnoreCase))
        {
            refusal = DcrErrorDescriptions.OrganisationNotActive(ssa.OrganisationStatus);
        }
        else if (options.AllowedSoftwareModes.Count > 0
            && !ContainsIgnoreCase(options.AllowedSoftwareModes, ssa.SoftwareMode ?? "Live"))
        {
            refusal = DcrErrorDescriptions.SoftwareModeNotAccepted(ssa.SoftwareMode ?? "Live", options.AllowedSoftwareModes);
        }
        else if (options.AllowedSoftwareEnvironments.Count > 0
            && !ContainsIgnoreCase(options.AllowedSoftwareEnvironments, ssa.SoftwareEnvironment ?? string.Empty))
        {
            refusal = DcrErrorDescriptions.SoftwareEnvironmentNotAccepted(ssa.SoftwareEnvironment, options.AllowedSoftwareEnvironments);
        }
        else if (options.DeniedOrganisationIds.Contains(ssa.OrganisationId)
            || (options.AllowedOrganisationIds.Count > 0 && !options.AllowedOrganisationIds.Contains(ssa.OrganisationId)))
        {
            refusal = DcrErrorDescriptions.OrganisationNotApproved(ssa.OrganisationId);
        }
        else if (options.DeniedSoftwareIds.Contains(ssa.SoftwareId)
            || (options.AllowedSoftwareIds.Count > 0 && !options.AllowedSoftwareIds.Contains(ssa.SoftwareId)))
        {
            refusal = DcrErrorDescriptions.SoftwareNotApproved(ssa.SoftwareId);
        }
        else if (options.RequiredRoles.Count > 0 && !ssa.SoftwareRoles.Any(r => ContainsIgnoreCase(options.RequiredRoles, r)))
        {
            refusal = DcrErrorDescriptions.SoftwareRolesMissing(options.RequiredRoles);
        }

        if (refusal is not null)
        {
            Logger.SoftwareStatementUnapproved(ssa.SoftwareId, ssa.OrganisationId);
            return Task.FromResult(DcrStepResult.Failure(DcrError.UnapprovedSoftwareStatement(refusal)));
        }

        return DcrStepResult.SuccessTask;
    }

    private static Task<DcrStepResult> Fail(string description)
        => Task.FromResult(DcrStepResult.Failure(DcrError.InvalidSoftwareStatement(description)));

    private static bool ContainsIgnoreCase(IEnumerable<string> values, string value)
        => values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    private static bool RequiredString(JsonElement claims, string name, int maxLength, out string? value, out string? error)
    {
        var state = ClaimReader.ReadString(claims, name, out value);
        error = state switch
        {
            ClaimState.Absent => DcrErrorDescriptions.SoftwareStatementClaimMissing(name),
            ClaimState.WrongType => DcrErrorDescriptions.SoftwareStatementClaimNotString(name),
            _ when string.IsNullOrWhiteSpace(value) => DcrErrorDescriptions.SoftwareStatementClaimEmpty(name),
            _ when value!.Length > maxLength => DcrErrorDescriptions.SoftwareStatementClaimTooLong(name, maxLength),
            _ => null,
        };
        return error is null;
    }

    private static bool OptionalString(JsonElement claims, string name, out string? value, out string? error)
    {
        var state = ClaimReader.ReadString(claims, name, out value);
        error = state == ClaimState.WrongType ? DcrErrorDescriptions.SoftwareStatementClaimNotString(name) : null;
        return error is null;
    }
}
