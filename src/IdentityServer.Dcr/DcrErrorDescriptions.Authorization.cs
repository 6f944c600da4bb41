// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// Authorization requests (AuthorizationRequestValidator and the plug-ins' authorization endpoints).
public static partial class DcrErrorDescriptions
{
    internal const string RequestObjectRequired =
        "A signed request object (request) is required: parameters outside a request object are not accepted.";

    internal const string RequestAndRequestUri = "request and request_uri cannot both be given.";

    internal const string RequestObjectAlgorithmNotRegistered =
        "The request object is not signed with the registered request_object_signing_alg.";

    internal const string RequestObjectNoJwksUri = "The client has no usable jwks_uri to verify its request objects with.";
    internal const string RequestObjectIssuerNotClient = "The request object's iss must be the client_id.";
    internal const string RequestObjectClientIdNotClient = "The request object's client_id must be the client's.";
    internal const string RequestObjectAudienceNotIssuer = "The request object's aud must be the bank's issuer.";
    internal const string RequestObjectExpMissing = "The request object must carry exp as a NumericDate.";
    internal const string RequestObjectNbfMissing = "The request object must carry nbf as a NumericDate.";
    internal const string RequestObjectExpired = "The request object has expired (exp).";
    internal const string RequestObjectNotYetValid = "The request object is not valid yet (nbf).";
    internal const string RequestObjectRedirectUriMissing = "The request object must carry redirect_uri.";
    internal const string RedirectUriNotRegistered = "The redirect_uri is not one the client registered.";
    internal const string RedirectUriMismatch = "The redirect_uri outside the request object differs from the one inside.";
    internal const string StateNotString = "The request object's state must be a string.";
    internal const string ClientIdMismatch = "The client_id outside the request object differs from the one inside.";
    internal const string ResponseTypeMismatch = "The response_type outside the request object differs from the one inside.";
    internal const string AuthorizationCodeGrantNotRegistered = "The client did not register the authorization_code grant.";
    internal const string ResponseTypeMissing = "The request object must carry response_type.";
    internal const string HybridResponseModeNotFragment = "The response_mode of code id_token must be fragment.";
    internal const string ResponseModeNotQueryOrFragment = "The response_mode must be query or fragment.";
    internal const string ScopeMissing = "The request object must carry scope.";
    internal const string ScopeWithoutOpenId = "The scope must contain openid.";
    internal const string NonceMissing = "The request object must carry nonce.";
    internal const string PkceRequired = "PKCE is required: code_challenge with code_challenge_method S256.";
    internal const string IntentRequired = "The request object must name an intent: claims.id_token.openbanking_intent_id.";
    internal const string NoIntentStore = "The bank has no intent store: no intent can be authorised.";
    internal const string IntentNotFound = "The openbanking_intent_id names no intent of this client.";
    internal const string IntentExpired = "The intent has expired.";

    /// <summary>
    /// An authorization request could not be checked because the client's JWKS or the bank's intent store could not
    /// be read (<c>temporarily_unavailable</c>).
    /// </summary>
    public const string AuthorizationDependencyUnavailable =
        "The client's keys or the bank's intents could not be read; try again later.";

    internal static string RequestObjectMalformed(string problem) => $"The request object {problem}.";

    // No full stop: the lookup's reason ends the sentence.
    internal static string RequestObjectKeyNotFound(string? reason) => $"The request object's signing key was not found: {Reason(reason)}.";

    internal static string RequestObjectSignatureInvalid(string? failure) => $"The request object's signature was not verified: {failure}.";

    internal static string RequestObjectNbfTooOld(TimeSpan maxLifetime)
        => $"The request object's nbf is more than {maxLifetime.TotalMinutes:0} minutes in the past.";

    internal static string RequestObjectLifetimeTooLong(TimeSpan maxLifetime)
        => $"The request object's exp must be after its nbf and at most {maxLifetime.TotalMinutes:0} minutes after it.";

    internal static string ResponseTypeNotSupported(string responseType)
        => $"The response_type {ClientText.Sanitize(responseType)} is not one the client registered and the bank supports.";

    internal static string ScopeNotRegistered(string scope) => $"The scope {ClientText.Sanitize(scope)} is not one the client registered.";

    internal static string IntentNotAwaitingAuthorisation(Authorization.IntentStatus status) => $"The intent is {status}, not AwaitingAuthorisation.";

    internal static string AcrNotDelivered(IEnumerable<string> requested, IEnumerable<string> supported)
        => $"None of the requested acr values ({ClientText.Sanitize(string.Join(", ", requested), 200)}) is one this bank's sign-in "
            + $"delivers: {string.Join(", ", supported)}.";
}
