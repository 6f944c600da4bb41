// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// The registration request (RequestObjectValidator), its client metadata (ClientMetadataValidator) and the rules of
// registering and updating (RegistrationValidator, RegistrationProcessor, RegistrationService).
public static partial class DcrErrorDescriptions
{
    internal const string RequestIssuerMissing = "The registration request has no iss claim.";
    internal const string RequestIssuerNotString = "The registration request's iss is not a string.";
    internal const string RequestAudienceMissing = "The registration request has no aud claim.";
    internal const string RequestAudienceNotStrings = "The registration request's aud is not a string or an array of strings.";
    internal const string RequestIatMissing = "The registration request has no iat claim.";
    internal const string RequestIatNotNumericDate = "The registration request's iat is not a NumericDate.";
    internal const string RequestExpMissing = "The registration request has no exp claim.";
    internal const string RequestExpNotNumericDate = "The registration request's exp is not a NumericDate.";
    internal const string RequestIatInFuture = "The registration request's iat is in the future.";
    internal const string RequestExpired = "The registration request has expired (exp).";
    internal const string RequestExpBeforeIat = "The registration request's exp is before its iat.";
    internal const string RequestNbfNotNumericDate = "The registration request's nbf is not a NumericDate.";
    internal const string RequestNotYetValid = "The registration request is not valid yet (nbf).";
    internal const string JtiMissing = "The registration request has no jti claim.";
    internal const string JtiNotString = "The registration request's jti is not a string.";
    internal const string JtiNotUuid = "The registration request's jti must be a UUID v4.";
    internal const string JtiReplayed = "The request's jti has already been used; sign a new request with a fresh jti.";

    internal const string SoftwareIdMismatch = "The request's software_id must match the software statement's software_id.";
    internal const string GrantTypesNotStrings = "The request's grant_types is not an array of strings.";
    internal const string GrantTypesMissing = "The request has no grant_types.";
    internal const string ResponseTypesNotStrings = "The request's response_types is not an array of strings.";
    internal const string ResponseTypesWithoutAuthorizationCode = "response_types are only allowed with the authorization_code grant type.";
    internal const string RedirectUrisNotStrings = "The request's redirect_uris is not an array of strings.";

    internal const string RedirectUriRequired =
        "At least one valid redirect URI listed in the software statement is required for the authorization_code grant type.";

    internal const string TokenEndpointAuthMethodNotString = "The request's token_endpoint_auth_method is not a string.";
    internal const string TokenEndpointAuthMethodMissing = "The request has no token_endpoint_auth_method.";
    internal const string TokenEndpointAuthSigningAlgNotString = "The request's token_endpoint_auth_signing_alg is not a string.";
    internal const string SubjectDnNotString = "The request's tls_client_auth_subject_dn is not a string.";

    internal const string SubjectDnWithoutTlsClientAuth =
        "tls_client_auth_subject_dn may only be sent with token_endpoint_auth_method tls_client_auth.";

    internal const string SubjectDnRequired = "tls_client_auth_subject_dn is required for tls_client_auth.";
    internal const string SubjectDnNotDistinguishedName = "tls_client_auth_subject_dn is not a distinguished name (RFC 4514).";

    internal const string SubjectDnNotOfCertificate =
        "tls_client_auth_subject_dn does not name the transport certificate presented with this request.";

    internal const string ScopeNotString = "The request's scope is not a space-separated string.";
    internal const string ApplicationTypeNotString = "The request's application_type is not a string.";
    internal const string CibaClaimWrongType = "A backchannel_* claim of the request has the wrong type.";

    internal const string CibaWithoutCibaGrant =
        "backchannel_* metadata may only be sent with the urn:openid:params:grant-type:ciba grant type.";

    internal const string CibaUserCodeNotFalse = "backchannel_user_code_parameter_supported must be false.";

    internal const string UpdateMovesClient =
        "The software statement is for another software or organisation than this client; a client cannot be moved.";

    internal const string UpdateNamesAnotherClient =
        "The request's client_id is not the client being updated; send this client's own client_id, or none.";

    internal const string ClientDeletedDuringUpdate = "The client was deleted while this update was processed.";

    internal const string SoftwareAlreadyRegistered =
        "This software is already registered with this bank; update the existing client (PUT) instead of registering again.";

    /// <summary>The client named by a registration update or read is not registered (<c>invalid_client_metadata</c>).</summary>
    public const string ClientNotFound = "The client does not exist.";

    // The lookup's reasons are sentences of their own: one full stop, not two.
    internal static string RequestKeyNotUsable(string? reason)
        => $"The software_jwks_endpoint may not be used: {Reason(reason)}.";

    internal static string RequestJwksNotUsable(string? reason) => $"The software's JWKS could not be used: {Reason(reason)}.";

    internal static string RequestKeyNotFound(string? reason)
        => $"The registration request's signing key was not found at the software_jwks_endpoint: {Reason(reason)}.";

    internal static string RequestSignatureInvalid(string? failure) => $"The registration request's signature is not valid: {failure}.";

    internal static string RequestIssuerNotSoftwareId(string issuer)
        => $"The registration request's iss '{Truncate(issuer)}' must be the software statement's software_id.";

    internal static string RequestAudienceNotBank(IEnumerable<string> accepted)
        => $"The registration request's aud does not name this bank; accepted: {string.Join(", ", accepted)}.";

    internal static string RequestTooOld(TimeSpan maxAge)
        => $"The registration request was issued more than {maxAge.TotalMinutes:0.#} minutes ago.";

    internal static string JtiTooLong(int maxLength) => $"The registration request's jti is longer than {maxLength} characters.";

    internal static string RedirectUriInvalid(string uri, string problem) => $"The redirect URI '{Truncate(uri, 120)}' {problem}.";

    internal static string SigningAlgRequired(string method) => $"token_endpoint_auth_signing_alg is required for {method}.";

    internal static string SubjectDnTooLong(int maxLength) => $"tls_client_auth_subject_dn is longer than {maxLength} characters.";

    internal static string ScopeTooLong(int maxLength) => $"The request's scope is longer than {maxLength} characters.";

    internal static string CibaDeliveryModeNotSupported(IEnumerable<string> supported)
        => $"backchannel_token_delivery_mode must be one of: {string.Join(", ", supported)}.";

    internal static string CibaNotificationEndpointInvalid(string mode)
        => $"backchannel_client_notification_endpoint must be an HTTPS URL for the {mode} mode.";

    internal static string CibaSigningAlgNotSupported(IEnumerable<string> supported)
        => $"backchannel_authentication_request_signing_alg must be one of: {string.Join(", ", supported)}.";

    internal static string MetadataClaimNotString(string claim) => $"The request's {claim} is not a string.";

    internal static string MetadataUriInvalid(string claim, string? uri, string problem)
        => $"The request's {claim} '{Truncate(uri, 120)}' {problem}.";

    internal static string ValueNotSupported(string claim, string value, IEnumerable<string> supported)
        => $"The {claim} '{Truncate(value)}' is not supported; supported: {string.Join(", ", supported)}.";

    internal static string ValueRefused(string claim, string value, string refusal, IEnumerable<string> supported)
        => $"The {claim} value '{Truncate(value)}' {refusal}; supported: {string.Join(", ", supported)}.";

    internal static string UpdateChangesAuthenticationKind(string from, string to)
        => $"An update cannot change token_endpoint_auth_method from '{from}' to '{to}': "
            + "moving between secret-based and key- or certificate-based client authentication needs a new registration.";

    // Why a URI is refused, phrased to follow "The redirect URI 'x' " (UriRules, ClientMetadataValidator.CheckRedirectUri).
    internal const string UriHasControlCharacter = "contains a control character";
    internal const string UriHasSpace = "contains a space";
    internal const string UriHasUnencodedCharacter = "contains a character a URI may not hold unencoded (RFC 3986)";
    internal const string UriHasBadPercentEncoding = "has a '%' that does not start a percent-encoding";
    internal const string UriNotAbsoluteHttps = "is not an absolute https URL";
    internal const string UriNotAbsoluteHttpsOrHttp = "is not an absolute https or http URL";
    internal const string UriHasFragment = "has a fragment";
    internal const string UriHasUserInformation = "has user information";
    internal const string UriHostNotIdn = "has a host that is not a valid internationalised domain name";
    internal const string UriIsLoopback = "names localhost or a loopback address";
    internal const string UriNotInSoftwareStatement = "is not one of the software statement's software_redirect_uris";

    // Why a requested value is refused, phrased to follow "The scope value 'x' " (ClientMetadataValidator).
    internal const string ValueNotSupportedReason = "is not supported";
    internal const string ScopeNotPermittedReason = "is not permitted for this software's roles";

    internal static string UriTooLong(int maxLength) => $"is longer than {maxLength} characters";
}
