// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// The default <see cref="IRequestObjectValidator"/>. Steps, in order: <see cref="VerifySignatureAsync"/>,
/// <see cref="ValidateIssuerAsync"/>, <see cref="ValidateAudienceAsync"/>, <see cref="ValidateLifetimeAsync"/>,
/// <see cref="ValidateJtiAsync"/>.
/// </summary>
public partial class RequestObjectValidator : IRequestObjectValidator
{
    private const int MaxJtiLength = 128;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="jwksResolver">Fetches the TPP's JWKS.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public RequestObjectValidator(
        IOptionsMonitor<DcrOptions> options,
        IJwksResolver jwksResolver,
        TimeProvider timeProvider,
        ILogger<RequestObjectValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        JwksResolver = jwksResolver;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>Fetches the TPP's JWKS.</summary>
    protected IJwksResolver JwksResolver { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public async Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Options.CurrentValue;

        DcrStepResult result;
        if (!(result = await VerifySignatureAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidateIssuerAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidateAudienceAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidateLifetimeAsync(context, options, ct).ConfigureAwait(false)).Succeeded
            || !(result = await ValidateJtiAsync(context, options, ct).ConfigureAwait(false)).Succeeded)
        {
            return result;
        }

        return DcrStepResult.Success;
    }

    /// <summary>
    /// Step 1: resolves the request's <c>kid</c> in the JWKS at the SSA's <c>software_jwks_endpoint</c> (refreshing once
    /// for an unknown <c>kid</c>) and verifies the signature with an accepted algorithm.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual async Task<DcrStepResult> VerifySignatureAsync(DcrRequestContext context, DcrOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var jws = context.RequestToken!;
        var ssa = context.SoftwareStatement!;
        var allowed = options.RequestObject.AllowedAlgorithms;
        if (!allowed.Contains(jws.Algorithm))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.AlgorithmNotAccepted("registration request", jws.Algorithm, allowed));
        }

        if (ssa.SoftwareJwksEndpoint is null)
        {
            return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.SoftwareStatementJwksEndpointMissing);
        }

        var lookup = await JwksResolver.FindKeyAsync(ssa.SoftwareJwksEndpoint, jws.KeyId, jws.Algorithm, JwksSourceKind.Software, ct)
            .ConfigureAwait(false);
        switch (lookup.Status)
        {
            case JwksLookupStatus.Found:
                break;
            case JwksLookupStatus.Refused:
                Logger.RequestJwksRefused(ssa.SoftwareId, lookup.Reason);
                return DcrError.InvalidSoftwareStatement(DcrErrorDescriptions.RequestKeyNotUsable(lookup.Reason));
            case JwksLookupStatus.Invalid:
                Logger.RequestKeyNotFound(ssa.SoftwareId, DcrErrorDescriptions.Truncate(jws.KeyId), lookup.Reason);
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.RequestJwksNotUsable(lookup.Reason));
            default:
                Logger.RequestKeyNotFound(ssa.SoftwareId, DcrErrorDescriptions.Truncate(jws.KeyId), lookup.Reason);
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.RequestKeyNotFound(lookup.Reason));
        }

        if (!JwsVerifier.TryVerify(jws, lookup.Key!, allowed, out var failure))
        {
            Logger.RequestSignatureInvalid(ssa.SoftwareId, DcrErrorDescriptions.Truncate(jws.KeyId), failure);
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.RequestSignatureInvalid(failure));
        }

        context.RequestSignatureVerified = true;
        return DcrStepResult.Success;
    }

    /// <summary>Step 2: <c>iss</c> must be the SSA's <c>software_id</c> (or its <c>org_id</c> when configured).</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateIssuerAsync(DcrRequestContext context, DcrOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var ssa = context.SoftwareStatement!;
        var state = ClaimReader.ReadString(context.RequestClaims, "iss", out var issuer);
        if (state != ClaimState.Present || string.IsNullOrEmpty(issuer))
        {
            return Fail(state == ClaimState.WrongType
                ? DcrErrorDescriptions.RequestIssuerNotString
                : DcrErrorDescriptions.RequestIssuerMissing);
        }

        var matches = string.Equals(issuer, ssa.SoftwareId, StringComparison.Ordinal)
            || (options.RequestObject.AcceptOrganisationIdAsIssuer && string.Equals(issuer, ssa.OrganisationId, StringComparison.Ordinal));
        return matches
            ? DcrStepResult.SuccessTask
            : Fail(DcrErrorDescriptions.RequestIssuerNotSoftwareId(issuer));
    }

    /// <summary>Step 3: <c>aud</c> (a string or an array) must hold an accepted audience.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateAudienceAsync(DcrRequestContext context, DcrOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var state = ClaimReader.ReadStringOrArray(context.RequestClaims, "aud", out var audiences);
        if (state != ClaimState.Present || audiences.Count == 0)
        {
            return Fail(state == ClaimState.WrongType
                ? DcrErrorDescriptions.RequestAudienceNotStrings
                : DcrErrorDescriptions.RequestAudienceMissing);
        }

        var accepted = DcrOptionsAudiences.Get(options);
        return audiences.Any(a => accepted.Contains(a, StringComparer.Ordinal))
            ? DcrStepResult.SuccessTask
            : Fail(DcrErrorDescriptions.RequestAudienceNotBank(accepted));
    }

    /// <summary>
    /// Step 4: <c>iat</c> and <c>exp</c> are required; the request must be current (<c>nbf</c>, when present, not in
    /// the future) and not older than <see cref="RequestObjectOptions.MaxAge"/>.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateLifetimeAsync(DcrRequestContext context, DcrOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var claims = context.RequestClaims;
        var now = TimeProvider.GetUtcNow();
        var skew = options.RequestObject.ClockSkew;

        var iat = ClaimReader.ReadNumericDate(claims, "iat", out var issuedAt);
        if (iat != ClaimState.Present)
        {
            return Fail(iat == ClaimState.Absent
                ? DcrErrorDescriptions.RequestIatMissing
                : DcrErrorDescriptions.RequestIatNotNumericDate);
        }

        var exp = ClaimReader.ReadNumericDate(claims, "exp", out var expiresAt);
        if (exp != ClaimState.Present)
        {
            return Fail(exp == ClaimState.Absent
                ? DcrErrorDescriptions.RequestExpMissing
                : DcrErrorDescriptions.RequestExpNotNumericDate);
        }

        if (issuedAt > now + skew)
        {
            return Fail(DcrErrorDescriptions.RequestIatInFuture);
        }

        // Subtract the skew from now: exp may be the last NumericDate (year 9999), where adding overflows.
        if (now - skew >= expiresAt)
        {
            return Fail(DcrErrorDescriptions.RequestExpired);
        }

        if (expiresAt < issuedAt)
        {
            return Fail(DcrErrorDescriptions.RequestExpBeforeIat);
        }

        // nbf is optional (RFC 7519 §4.1.5) but binding when present, with the same skew as iat.
        var nbf = ClaimReader.ReadNumericDate(claims, "nbf", out var notBefore);
        if (nbf == ClaimState.WrongType)
        {
            return Fail(DcrErrorDescriptions.RequestNbfNotNumericDate);
        }

        if (nbf == ClaimState.Present && notBefore > now + skew)
        {
            return Fail(DcrErrorDescriptions.RequestNotYetValid);
        }

        if (now - issuedAt > options.RequestObject.MaxAge + skew)
        {
            return Fail(DcrErrorDescriptions.RequestTooOld(options.RequestObject.MaxAge));
        }

        return DcrStepResult.SuccessTask;
    }

    /// <summary>
    /// Step 5: <c>jti</c> is required (a UUID v4 when <see cref="RequestObjectOptions.RequireUuidJti"/>); it becomes
    /// <see cref="DcrRequestContext.UsedRequestToken"/>, which the store records in the transaction that writes the
    /// registration. That write is the replay check: a used <c>jti</c> makes it answer
    /// <see cref="StoreWriteResult.RequestTokenReplayed"/> and write nothing, so no earlier query is made for it (one
    /// round trip less per registration, and no window between a check and the write).
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateJtiAsync(DcrRequestContext context, DcrOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var claims = context.RequestClaims;
        var state = ClaimReader.ReadString(claims, "jti", out var jti);
        if (state != ClaimState.Present || string.IsNullOrWhiteSpace(jti))
        {
            return Fail(state == ClaimState.WrongType ? DcrErrorDescriptions.JtiNotString : DcrErrorDescriptions.JtiMissing);
        }

        if (jti.Length > MaxJtiLength)
        {
            return Fail(DcrErrorDescriptions.JtiTooLong(MaxJtiLength));
        }

        if (options.RequestObject.RequireUuidJti && !UuidV4().IsMatch(jti))
        {
            return Fail(DcrErrorDescriptions.JtiNotUuid);
        }

        ClaimReader.ReadString(claims, "iss", out var issuer);
        ClaimReader.ReadNumericDate(claims, "exp", out var expiresAt);
        ClaimReader.ReadNumericDate(claims, "iat", out var issuedAt);

        // A request is refused once it is older than MaxAge, whatever its exp says: the used jti need not be kept longer.
        var acceptedUntil = AddSaturated(issuedAt, options.RequestObject.MaxAge);
        if (acceptedUntil < expiresAt)
        {
            expiresAt = acceptedUntil;
        }

        context.UsedRequestToken = new UsedRequestToken(issuer!, jti, AddSaturated(expiresAt, options.RequestObject.ClockSkew));
        return DcrStepResult.SuccessTask;
    }

    private static Task<DcrStepResult> Fail(string description)
        => Task.FromResult(DcrStepResult.Failure(DcrError.InvalidClientMetadata(description)));

    // exp may be 9999-12-31T23:59:59Z, the largest NumericDate ClaimReader accepts.
    private static DateTimeOffset AddSaturated(DateTimeOffset value, TimeSpan span)
        => span >= DateTimeOffset.MaxValue - value ? DateTimeOffset.MaxValue : value + span;

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex UuidV4();
}
