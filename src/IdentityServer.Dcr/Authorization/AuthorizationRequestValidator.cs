// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.Json;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Authorization;

/// <summary>
/// The default <see cref="IAuthorizationRequestValidator"/>. The order matters: nothing of the request object is
/// trusted before its signature is verified with the client's key, and no error is sent to a redirect URI before the
/// verified request object names one that is registered (until then errors are for the user's screen).
/// </summary>
public class AuthorizationRequestValidator : IAuthorizationRequestValidator
{
    /// <summary>The JWT claims of the request object that are not request parameters.</summary>
    private static readonly HashSet<string> JwtClaims = new(StringComparer.Ordinal) { "iss", "aud", "exp", "nbf", "iat", "jti", "sub" };

    /// <summary>The response types the engine can serve for registered clients.</summary>
    private static readonly HashSet<string> SupportedResponseTypes = new(StringComparer.Ordinal) { "code id_token", "code" };

    private readonly IIntentStore? _intents;

    /// <summary>Creates the validator.</summary>
    /// <param name="jwks">The JWKS resolver (the TPP's keys).</param>
    /// <param name="intents">The bank's intents; none registered means no request names a valid intent.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public AuthorizationRequestValidator(
        IJwksResolver jwks,
        IEnumerable<IIntentStore> intents,
        IOptionsMonitor<DcrOptions> options,
        TimeProvider timeProvider,
        ILogger<AuthorizationRequestValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(intents);
        Jwks = jwks;
        _intents = intents.LastOrDefault();
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The JWKS resolver.</summary>
    protected IJwksResolver Jwks { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<AuthorizationRequestResult> ValidateAsync(
        ClientRegistration registration,
        AuthorizationRequest request,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(request);
        AuthorizationRequestResult result;
        try
        {
            result = await ValidateCoreAsync(registration, request, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException)
        {
            DcrTelemetry.AuthorizationRequests.Add(1, new TagList { { DcrTelemetry.Tags.Outcome, DcrTelemetry.Outcomes.Unavailable } });
            throw;
        }

        DcrTelemetry.AuthorizationRequests.Add(1, result.Succeeded
            ? new TagList { { DcrTelemetry.Tags.Outcome, DcrTelemetry.Outcomes.Success } }
            : new TagList
            {
                { DcrTelemetry.Tags.Outcome, DcrTelemetry.Outcomes.Rejected },
                { DcrTelemetry.Tags.ErrorType, DcrTelemetry.Error(result.Error.Error) },
            });
        if (!result.Succeeded)
        {
            Logger.AuthorizationRequestRefused(
                registration.ClientId,
                result.Error.Error,
                result.Error.ErrorDescription,
                result.RedirectUri is not null);
        }

        return result;
    }

    private async Task<AuthorizationRequestResult> ValidateCoreAsync(
        ClientRegistration registration,
        AuthorizationRequest request,
        CancellationToken ct)
    {
        var options = Options.CurrentValue.Authorization;
        var metadata = registration.Metadata;

        // 0. A disabled client gets nothing; not redirected (RFC 6749 §4.1.2.1: as for a client that is not valid).
        if (registration.IsDisabled)
        {
            return AuthorizationRequestResult.Failure(DcrError.ClientDisabled(AuthorizationErrors.UnauthorizedClient));
        }

        // 1. A signed request object, by the engine's strict reader (base64url, no key-carrying or critical headers).
        if (string.IsNullOrEmpty(request.RequestObject))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RequestObjectRequired);
        }

        if (request.OuterParameters.ContainsKey("request_uri"))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RequestAndRequestUri);
        }

        if (!CompactJws.TryParse(request.RequestObject, options.MaxRequestObjectLength, out var jws, out var parseError))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectMalformed(parseError));
        }

        // 2. The registered algorithm (or one the bank accepts when none is registered), never none.
        IReadOnlyCollection<string> accepted = metadata.RequestObjectSigningAlg is { Length: > 0 } registered
            ? [registered]
            : [.. Options.CurrentValue.Registration.RequestObjectSigningAlgorithms];
        if (!accepted.Contains(jws.Algorithm, StringComparer.Ordinal) || !JwsVerifier.SupportedAlgorithms.Contains(jws.Algorithm))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectAlgorithmNotRegistered);
        }

        // 3. The key from the TPP's JWKS (rotation and SSRF policy of the resolver), and the signature.
        if (!Uri.TryCreate(metadata.JwksUri, UriKind.Absolute, out var jwksUri))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectNoJwksUri);
        }

        var lookup = await Jwks.FindKeyAsync(jwksUri, jws.KeyId, jws.Algorithm, JwksSourceKind.Software, ct).ConfigureAwait(false);
        if (lookup.Key is not { } key)
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectKeyNotFound(lookup.Reason));
        }

        if (!JwsVerifier.TryVerify(jws, key, [.. accepted], out var verifyFailure))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectSignatureInvalid(verifyFailure));
        }

        // 4. The JWT claims: iss, aud, exp, nbf, client_id.
        var claims = jws.Payload;
        if (CheckJwtClaims(registration.ClientId, claims, request.Audiences, options) is { } claimFailure)
        {
            return Page(AuthorizationErrors.InvalidRequestObject, claimFailure);
        }

        // 5. The redirect URI: required inside, registered (exact match), and not contradicted outside.
        if (ClaimReader.ReadString(claims, "redirect_uri", out var redirectUri) != ClaimState.Present || string.IsNullOrEmpty(redirectUri))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectRedirectUriMissing);
        }

        if (!metadata.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RedirectUriNotRegistered);
        }

        if (request.OuterParameters.TryGetValue("redirect_uri", out var outerRedirect)
            && outerRedirect is not null
            && !string.Equals(outerRedirect, redirectUri, StringComparison.Ordinal))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RedirectUriMismatch);
        }

        // From here the verified, registered redirect URI may receive the error, with the request object's state.
        var stateState = ClaimReader.ReadString(claims, "state", out var state);
        if (stateState == ClaimState.WrongType)
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.StateNotString);
        }

        AuthorizationRequestResult Redirect(string error, string description)
            => AuthorizationRequestResult.Failure(new DcrError(error, description), redirectUri, state);

        if (CheckOuterParameters(registration.ClientId, claims, request.OuterParameters) is { } mismatch)
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, mismatch);
        }

        if (!metadata.GrantTypes.Contains("authorization_code", StringComparer.Ordinal))
        {
            return Redirect(AuthorizationErrors.UnauthorizedClient, DcrErrorDescriptions.AuthorizationCodeGrantNotRegistered);
        }

        // 6. The response type: inside, registered, and one the engine serves.
        if (ClaimReader.ReadString(claims, "response_type", out var responseType) != ClaimState.Present || string.IsNullOrEmpty(responseType))
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.ResponseTypeMissing);
        }

        var normalisedResponseType = string.Join(' ', responseType.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        if (!SupportedResponseTypes.Contains(normalisedResponseType)
            || !metadata.ResponseTypes.Any(
                r => string.Equals(
                    string.Join(' ', r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)),
                    normalisedResponseType,
                    StringComparison.Ordinal)))
        {
            return Redirect(AuthorizationErrors.UnsupportedResponseType, DcrErrorDescriptions.ResponseTypeNotSupported(responseType));
        }

        var hybrid = normalisedResponseType == "code id_token";
        if (ClaimReader.ReadString(claims, "response_mode", out var responseMode) == ClaimState.Present
            && !(hybrid ? responseMode == "fragment" : responseMode is "query" or "fragment"))
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, hybrid
                ? DcrErrorDescriptions.HybridResponseModeNotFragment
                : DcrErrorDescriptions.ResponseModeNotQueryOrFragment);
        }

        // 7. Scope: inside, registered, with openid for an ID token.
        if (ClaimReader.ReadString(claims, "scope", out var scope) != ClaimState.Present || string.IsNullOrWhiteSpace(scope))
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.ScopeMissing);
        }

        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var registeredScopes = metadata.GetScopes();
        if (scopes.FirstOrDefault(s => !registeredScopes.Contains(s, StringComparer.Ordinal)) is { } unregistered)
        {
            return Redirect(AuthorizationErrors.InvalidScope, DcrErrorDescriptions.ScopeNotRegistered(unregistered));
        }

        if (!scopes.Contains("openid", StringComparer.Ordinal))
        {
            return Redirect(AuthorizationErrors.InvalidScope, DcrErrorDescriptions.ScopeWithoutOpenId);
        }

        // 8. nonce for an ID token in the front channel; PKCE S256 for code alone and for every pushed request.
        if (hybrid && (ClaimReader.ReadString(claims, "nonce", out var nonce) != ClaimState.Present || string.IsNullOrEmpty(nonce)))
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.NonceMissing);
        }

        var challengeState = ClaimReader.ReadString(claims, "code_challenge", out var challenge);
        ClaimReader.ReadString(claims, "code_challenge_method", out var challengeMethod);
        if ((!hybrid || request.Pushed || challengeState == ClaimState.Present)
            && (challengeState != ClaimState.Present || string.IsNullOrEmpty(challenge) || challengeMethod != "S256"))
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.PkceRequired);
        }

        // 9. The intent: this client's, awaiting authorisation, not expired.
        var intentId = ReadIntentId(claims);
        if (intentId is null && options.RequireIntent)
        {
            return Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.IntentRequired);
        }

        if (intentId is not null && await CheckIntentAsync(registration.ClientId, intentId, ct).ConfigureAwait(false) is { } intentFailure)
        {
            return Redirect(AuthorizationErrors.AccessDenied, intentFailure);
        }

        // 10. acr: an essential one must be among what the bank's sign-in delivers.
        var (acr, acrFailure) = SelectAcr(claims, options.AcrValues);
        if (acrFailure is not null)
        {
            return Redirect(AuthorizationErrors.AccessDenied, acrFailure);
        }

        return AuthorizationRequestResult.Success(ToParameters(claims, registration.ClientId), intentId, acr);
    }

    /// <summary>
    /// The <c>acr</c> to assert for a request object that asks for one in <c>claims.id_token</c> or
    /// <c>claims.userinfo</c> (OIDC Core 5.5.1): the first of <paramref name="supported"/> that is among its
    /// <c>value</c>/<c>values</c> (any, when it names none). An essential request none of them satisfies is refused;
    /// a voluntary one gets no <c>acr</c>.
    /// </summary>
    /// <param name="claims">The verified claims.</param>
    /// <param name="supported">The values the bank delivers, strongest first.</param>
    /// <returns>The value (or <see langword="null"/>), or why the request is refused.</returns>
    protected static (string? Acr, string? Failure) SelectAcr(JsonElement claims, IList<string> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        if (claims.ValueKind != JsonValueKind.Object
            || !claims.TryGetProperty("claims", out var requested)
            || requested.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        foreach (var member in new[] { "id_token", "userinfo" })
        {
            if (!requested.TryGetProperty(member, out var section)
                || section.ValueKind != JsonValueKind.Object
                || !section.TryGetProperty("acr", out var acr))
            {
                continue;
            }

            var essential = acr.ValueKind == JsonValueKind.Object && acr.TryGetProperty("essential", out var e) && e.ValueKind == JsonValueKind.True;
            var values = new List<string>();
            if (acr.ValueKind == JsonValueKind.Object)
            {
                if (acr.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    values.Add(value.GetString()!);
                }

                if (acr.TryGetProperty("values", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    values.AddRange(list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
                }
            }

            var chosen = values.Count == 0 ? supported.FirstOrDefault() : supported.FirstOrDefault(values.Contains);
            if (chosen is null && essential)
            {
                return (null, DcrErrorDescriptions.AcrNotDelivered(values, supported));
            }

            return (chosen, null);
        }

        return (null, null);
    }

    /// <summary>The request object's <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c> and <c>client_id</c>.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="claims">The verified claims.</param>
    /// <param name="audiences">The accepted audiences.</param>
    /// <param name="options">The options.</param>
    /// <returns>Why the claims are refused, or <see langword="null"/>.</returns>
    protected virtual string? CheckJwtClaims(string clientId, JsonElement claims, IReadOnlyCollection<string> audiences, AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        ArgumentNullException.ThrowIfNull(options);
        if (ClaimReader.ReadString(claims, "iss", out var issuer) != ClaimState.Present || !string.Equals(issuer, clientId, StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.RequestObjectIssuerNotClient;
        }

        if (ClaimReader.ReadString(claims, "client_id", out var innerClientId) != ClaimState.Present
            || !string.Equals(innerClientId, clientId, StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.RequestObjectClientIdNotClient;
        }

        if (ClaimReader.ReadStringOrArray(claims, "aud", out var audience) != ClaimState.Present
            || !audience.Any(a => audiences.Contains(a, StringComparer.Ordinal)))
        {
            return DcrErrorDescriptions.RequestObjectAudienceNotIssuer;
        }

        var now = TimeProvider.GetUtcNow();
        if (ClaimReader.ReadNumericDate(claims, "exp", out var exp) != ClaimState.Present)
        {
            return DcrErrorDescriptions.RequestObjectExpMissing;
        }

        if (ClaimReader.ReadNumericDate(claims, "nbf", out var nbf) != ClaimState.Present)
        {
            return DcrErrorDescriptions.RequestObjectNbfMissing;
        }

        if (now - options.ClockSkew >= exp)
        {
            return DcrErrorDescriptions.RequestObjectExpired;
        }

        if (nbf > now + options.ClockSkew)
        {
            return DcrErrorDescriptions.RequestObjectNotYetValid;
        }

        if (now - nbf > options.MaxRequestObjectLifetime + options.ClockSkew)
        {
            return DcrErrorDescriptions.RequestObjectNbfTooOld(options.MaxRequestObjectLifetime);
        }

        var lifetime = exp - nbf;
        if (lifetime <= TimeSpan.Zero || lifetime > options.MaxRequestObjectLifetime)
        {
            return DcrErrorDescriptions.RequestObjectLifetimeTooLong(options.MaxRequestObjectLifetime);
        }

        return null;
    }

    /// <summary>Parameters outside the request object that contradict it (<c>client_id</c>, <c>response_type</c>).</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="claims">The verified claims.</param>
    /// <param name="outer">The outer parameters.</param>
    /// <returns>Why they are refused, or <see langword="null"/>.</returns>
    protected virtual string? CheckOuterParameters(string clientId, JsonElement claims, IReadOnlyDictionary<string, string?> outer)
    {
        ArgumentNullException.ThrowIfNull(outer);
        if (outer.TryGetValue("client_id", out var outerClient)
            && outerClient is not null
            && !string.Equals(outerClient, clientId, StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.ClientIdMismatch;
        }

        if (outer.TryGetValue("response_type", out var outerType) && outerType is not null
            && ClaimReader.ReadString(claims, "response_type", out var innerType) == ClaimState.Present
            && !string.Equals(outerType, innerType, StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.ResponseTypeMismatch;
        }

        return null;
    }

    /// <summary>
    /// The intent named by <c>claims.id_token.openbanking_intent_id.value</c> (or <c>claims.userinfo</c>), as the OBIE
    /// Security Profile places it.
    /// </summary>
    /// <param name="claims">The verified claims.</param>
    /// <returns>The intent id, or <see langword="null"/>.</returns>
    protected static string? ReadIntentId(JsonElement claims)
    {
        if (claims.ValueKind != JsonValueKind.Object
            || !claims.TryGetProperty("claims", out var requested)
            || requested.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var member in new[] { "id_token", "userinfo" })
        {
            if (requested.TryGetProperty(member, out var section) && section.ValueKind == JsonValueKind.Object
                && section.TryGetProperty("openbanking_intent_id", out var intent) && intent.ValueKind == JsonValueKind.Object
                && intent.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 and <= 256 } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The intent exists, is this client's, awaits authorisation and has not expired.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="intentId">The intent.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Why it is refused, or <see langword="null"/>.</returns>
    protected virtual async Task<string?> CheckIntentAsync(string clientId, string intentId, CancellationToken ct)
    {
        if (_intents is null)
        {
            return DcrErrorDescriptions.NoIntentStore;
        }

        var intent = await _intents.FindAsync(intentId, ct).ConfigureAwait(false);
        if (intent is null || !string.Equals(intent.ClientId, clientId, StringComparison.Ordinal))
        {
            // Another client's intent is reported as unknown: its existence is not this client's business.
            return DcrErrorDescriptions.IntentNotFound;
        }

        if (intent.Status != IntentStatus.AwaitingAuthorisation)
        {
            return DcrErrorDescriptions.IntentNotAwaitingAuthorisation(intent.Status);
        }

        return intent.ExpiresAt is { } expires && expires <= TimeProvider.GetUtcNow() ? DcrErrorDescriptions.IntentExpired : null;
    }

    /// <summary>The request object's claims as request parameters: strings as they are, other values as JSON text.</summary>
    /// <param name="claims">The verified claims.</param>
    /// <param name="clientId">The client (always set).</param>
    /// <returns>The parameters.</returns>
    protected static IReadOnlyDictionary<string, string> ToParameters(JsonElement claims, string clientId)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in claims.EnumerateObject())
        {
            if (JwtClaims.Contains(claim.Name) || claim.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            parameters[claim.Name] = claim.Value.ValueKind == JsonValueKind.String ? claim.Value.GetString()! : claim.Value.GetRawText();
        }

        parameters["client_id"] = clientId;
        return parameters;
    }

    private static AuthorizationRequestResult Page(string error, string description)
        => AuthorizationRequestResult.Failure(new DcrError(error, description));
}
