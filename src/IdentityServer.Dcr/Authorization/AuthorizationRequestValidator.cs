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
/// verified request object names one that is registered (until then errors are for the user's screen). Steps, in
/// order: <c>ValidateClientEnabled</c>, <c>ReadRequestObject</c>, <c>ValidateAlgorithm</c>, <c>VerifySignatureAsync</c>,
/// <c>ValidateJwtClaims</c> (<see cref="CheckJwtClaims"/>), <c>ValidateRedirectUri</c> (and the state; errors go to
/// the redirect URI from here on), <c>ValidateOuterParameters</c> (<see cref="CheckOuterParameters"/>),
/// <c>ValidateGrant</c>, <c>ValidateResponseType</c>, <c>ValidateScope</c>, <c>ValidateNonceAndPkce</c>,
/// <c>ValidateIntentAsync</c> (<see cref="CheckIntentAsync"/>), <c>ValidateAcr</c> (<see cref="SelectAcr"/>).
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
        var validation = new RequestValidation(registration, request, Options.CurrentValue);
        return ValidateClientEnabled(validation)
            ?? ReadRequestObject(validation)
            ?? ValidateAlgorithm(validation)
            ?? await VerifySignatureAsync(validation, ct).ConfigureAwait(false)
            ?? ValidateJwtClaims(validation)
            ?? ValidateRedirectUri(validation)
            ?? ValidateOuterParameters(validation)
            ?? ValidateGrant(validation)
            ?? ValidateResponseType(validation)
            ?? ValidateScope(validation)
            ?? ValidateNonceAndPkce(validation)
            ?? await ValidateIntentAsync(validation, ct).ConfigureAwait(false)
            ?? ValidateAcr(validation)
            ?? AuthorizationRequestResult.Success(
                ToParameters(validation.Claims, registration.ClientId),
                validation.IntentId,
                validation.Acr);
    }

    // Step 1: a disabled client gets nothing; not redirected (RFC 6749 §4.1.2.1: as for a client that is not valid).
    private static AuthorizationRequestResult? ValidateClientEnabled(RequestValidation validation)
        => validation.Registration.IsDisabled
            ? AuthorizationRequestResult.Failure(DcrError.ClientDisabled(AuthorizationErrors.UnauthorizedClient))
            : null;

    // Step 2: a signed request object, by the engine's strict reader (base64url, no key-carrying or critical headers).
    private static AuthorizationRequestResult? ReadRequestObject(RequestValidation validation)
    {
        var request = validation.Request;
        if (string.IsNullOrEmpty(request.RequestObject))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RequestObjectRequired);
        }

        if (request.OuterParameters.ContainsKey("request_uri"))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RequestAndRequestUri);
        }

        var maxLength = validation.Options.Authorization.MaxRequestObjectLength;
        if (!CompactJws.TryParse(request.RequestObject, maxLength, out var jws, out var parseError))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectMalformed(parseError));
        }

        validation.Jws = jws;
        return null;
    }

    // Step 3: the registered algorithm (or one the bank accepts when none is registered), never none.
    private static AuthorizationRequestResult? ValidateAlgorithm(RequestValidation validation)
    {
        var algorithm = validation.Jws.Algorithm;
        validation.AcceptedAlgorithms = validation.Registration.Metadata.RequestObjectSigningAlg is { Length: > 0 } registered
            ? [registered]
            : [.. validation.Options.Registration.RequestObjectSigningAlgorithms];
        return validation.AcceptedAlgorithms.Contains(algorithm, StringComparer.Ordinal)
            && JwsVerifier.SupportedAlgorithms.Contains(algorithm)
            ? null
            : Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectAlgorithmNotRegistered);
    }

    // Step 4: the key from the TPP's JWKS (rotation and SSRF policy of the resolver), and the signature.
    private async Task<AuthorizationRequestResult?> VerifySignatureAsync(RequestValidation validation, CancellationToken ct)
    {
        var jws = validation.Jws;
        if (!Uri.TryCreate(validation.Registration.Metadata.JwksUri, UriKind.Absolute, out var jwksUri))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectNoJwksUri);
        }

        var lookup = await Jwks.FindKeyAsync(jwksUri, jws.KeyId, jws.Algorithm, JwksSourceKind.Software, ct).ConfigureAwait(false);
        if (lookup.Key is not { } key)
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectKeyNotFound(lookup.Reason));
        }

        return JwsVerifier.TryVerify(jws, key, [.. validation.AcceptedAlgorithms], out var verifyFailure)
            ? null
            : Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectSignatureInvalid(verifyFailure));
    }

    // Step 5: the JWT claims: iss, aud, exp, nbf, client_id (CheckJwtClaims).
    private AuthorizationRequestResult? ValidateJwtClaims(RequestValidation validation)
    {
        var clientId = validation.Registration.ClientId;
        var audiences = validation.Request.Audiences;
        return CheckJwtClaims(clientId, validation.Claims, audiences, validation.Options.Authorization) is { } claimFailure
            ? Page(AuthorizationErrors.InvalidRequestObject, claimFailure)
            : null;
    }

    // Step 6: the redirect URI: required inside, registered (exact match), and not contradicted outside; then the
    // state. From here the verified, registered redirect URI may receive the error, with the request object's state.
    private static AuthorizationRequestResult? ValidateRedirectUri(RequestValidation validation)
    {
        var claims = validation.Claims;
        if (ClaimReader.ReadString(claims, "redirect_uri", out var redirectUri) != ClaimState.Present
            || string.IsNullOrEmpty(redirectUri))
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.RequestObjectRedirectUriMissing);
        }

        if (!validation.Registration.Metadata.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RedirectUriNotRegistered);
        }

        if (validation.Request.OuterParameters.TryGetValue("redirect_uri", out var outerRedirect)
            && outerRedirect is not null
            && !string.Equals(outerRedirect, redirectUri, StringComparison.Ordinal))
        {
            return Page(AuthorizationErrors.InvalidRequest, DcrErrorDescriptions.RedirectUriMismatch);
        }

        if (ClaimReader.ReadString(claims, "state", out var state) == ClaimState.WrongType)
        {
            return Page(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.StateNotString);
        }

        validation.RedirectUri = redirectUri;
        validation.State = state;
        return null;
    }

    // Step 7: parameters outside the request object do not contradict it (CheckOuterParameters).
    private AuthorizationRequestResult? ValidateOuterParameters(RequestValidation validation)
        => CheckOuterParameters(validation.Registration.ClientId, validation.Claims, validation.Request.OuterParameters) is { } mismatch
            ? validation.Redirect(AuthorizationErrors.InvalidRequestObject, mismatch)
            : null;

    // Step 8: the client registered the authorization_code grant.
    private static AuthorizationRequestResult? ValidateGrant(RequestValidation validation)
        => validation.Registration.Metadata.GrantTypes.Contains("authorization_code", StringComparer.Ordinal)
            ? null
            : validation.Redirect(AuthorizationErrors.UnauthorizedClient, DcrErrorDescriptions.AuthorizationCodeGrantNotRegistered);

    // Step 9: the response type: inside, registered, and one the engine serves; the response mode fits it.
    private static AuthorizationRequestResult? ValidateResponseType(RequestValidation validation)
    {
        var claims = validation.Claims;
        if (ClaimReader.ReadString(claims, "response_type", out var responseType) != ClaimState.Present
            || string.IsNullOrEmpty(responseType))
        {
            return validation.Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.ResponseTypeMissing);
        }

        var normalisedResponseType = DcrSpecProfile.NormaliseResponseType(responseType);
        if (!SupportedResponseTypes.Contains(normalisedResponseType)
            || !validation.Registration.Metadata.ResponseTypes.Any(
                r => string.Equals(DcrSpecProfile.NormaliseResponseType(r), normalisedResponseType, StringComparison.Ordinal)))
        {
            return validation.Redirect(
                AuthorizationErrors.UnsupportedResponseType,
                DcrErrorDescriptions.ResponseTypeNotSupported(responseType));
        }

        var hybrid = normalisedResponseType == "code id_token";
        validation.Hybrid = hybrid;
        if (ClaimReader.ReadString(claims, "response_mode", out var responseMode) == ClaimState.Present
            && !(hybrid ? responseMode == "fragment" : responseMode is "query" or "fragment"))
        {
            return validation.Redirect(AuthorizationErrors.InvalidRequestObject, hybrid
                ? DcrErrorDescriptions.HybridResponseModeNotFragment
                : DcrErrorDescriptions.ResponseModeNotQueryOrFragment);
        }

        return null;
    }

    // Step 10: scope: inside, registered, with openid for an ID token.
    private static AuthorizationRequestResult? ValidateScope(RequestValidation validation)
    {
        if (ClaimReader.ReadString(validation.Claims, "scope", out var scope) != ClaimState.Present || string.IsNullOrWhiteSpace(scope))
        {
            return validation.Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.ScopeMissing);
        }

        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var registeredScopes = validation.Registration.Metadata.GetScopes();
        if (scopes.FirstOrDefault(s => !registeredScopes.Contains(s, StringComparer.Ordinal)) is { } unregistered)
        {
            return validation.Redirect(AuthorizationErrors.InvalidScope, DcrErrorDescriptions.ScopeNotRegistered(unregistered));
        }

        return scopes.Contains("openid", StringComparer.Ordinal)
            ? null
            : validation.Redirect(AuthorizationErrors.InvalidScope, DcrErrorDescriptions.ScopeWithoutOpenId);
    }

    // Step 11: nonce for an ID token in the front channel; PKCE S256 for code alone and for every pushed request.
    private static AuthorizationRequestResult? ValidateNonceAndPkce(RequestValidation validation)
    {
        var claims = validation.Claims;
        var hybrid = validation.Hybrid;
        if (hybrid && (ClaimReader.ReadString(claims, "nonce", out var nonce) != ClaimState.Present || string.IsNullOrEmpty(nonce)))
        {
            return validation.Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.NonceMissing);
        }

        var challengeState = ClaimReader.ReadString(claims, "code_challenge", out var challenge);
        ClaimReader.ReadString(claims, "code_challenge_method", out var challengeMethod);
        return (!hybrid || validation.Request.Pushed || challengeState == ClaimState.Present)
            && (challengeState != ClaimState.Present || string.IsNullOrEmpty(challenge) || challengeMethod != "S256")
            ? validation.Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.PkceRequired)
            : null;
    }

    // Step 12: the intent: named when required, this client's, awaiting authorisation, not expired (CheckIntentAsync).
    private async Task<AuthorizationRequestResult?> ValidateIntentAsync(RequestValidation validation, CancellationToken ct)
    {
        var intentId = ReadIntentId(validation.Claims);
        if (intentId is null && validation.Options.Authorization.RequireIntent)
        {
            return validation.Redirect(AuthorizationErrors.InvalidRequestObject, DcrErrorDescriptions.IntentRequired);
        }

        if (intentId is not null
            && await CheckIntentAsync(validation.Registration.ClientId, intentId, ct).ConfigureAwait(false) is { } intentFailure)
        {
            return validation.Redirect(AuthorizationErrors.AccessDenied, intentFailure);
        }

        validation.IntentId = intentId;
        return null;
    }

    // Step 13: acr: an essential one must be among what the bank's sign-in delivers (SelectAcr).
    private static AuthorizationRequestResult? ValidateAcr(RequestValidation validation)
    {
        var (acr, acrFailure) = SelectAcr(validation.Claims, validation.Options.Authorization.AcrValues);
        if (acrFailure is not null)
        {
            return validation.Redirect(AuthorizationErrors.AccessDenied, acrFailure);
        }

        validation.Acr = acr;
        return null;
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

    // What the steps of one validation have established so far.
    private sealed class RequestValidation(ClientRegistration registration, AuthorizationRequest request, DcrOptions options)
    {
        public ClientRegistration Registration { get; } = registration;

        public AuthorizationRequest Request { get; } = request;

        public DcrOptions Options { get; } = options;

        public CompactJws Jws { get; set; } = null!;

        public JsonElement Claims => Jws.Payload;

        public IReadOnlyCollection<string> AcceptedAlgorithms { get; set; } = [];

        public string? RedirectUri { get; set; }

        public string? State { get; set; }

        public bool Hybrid { get; set; }

        public string? IntentId { get; set; }

        public string? Acr { get; set; }

        // An error for the verified, registered redirect URI, with the request object's state.
        public AuthorizationRequestResult Redirect(string error, string description)
            => AuthorizationRequestResult.Failure(new DcrError(error, description), RedirectUri, State);
    }
}
