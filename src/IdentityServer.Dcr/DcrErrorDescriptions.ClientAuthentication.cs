// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// Client authentication at the token endpoint (ClientAuthenticator): the method, the client assertion of
// private_key_jwt, the certificate of tls_client_auth and of certificate-bound tokens.
public static partial class DcrErrorDescriptions
{
    internal const string AssertionAlgorithmNotRegistered =
        "The client assertion is not signed with the registered token_endpoint_auth_signing_alg.";

    internal const string AssertionIssuerNotClient = "The client assertion's iss and sub must both be the client_id.";
    internal const string AssertionJtiMissing = "The client assertion must carry jti.";
    internal const string AssertionExpMissing = "The client assertion must carry exp as a NumericDate.";
    internal const string AssertionExpired = "The client assertion has expired (exp).";
    internal const string AssertionNotYetValid = "The client assertion is not valid yet (nbf).";
    internal const string AssertionIatInFuture = "The client assertion's iat is in the future.";
    internal const string AssertionNoJwksUri = "The client has no usable jwks_uri.";

    internal const string CertificateSubjectNotRegistered =
        "The transport certificate's subject is not the registered tls_client_auth_subject_dn.";

    internal const string CertificateRevocationUnavailable =
        "The transport certificate's revocation status could not be checked; try again later.";

    internal static string AuthenticationMethodNotRegistered(string registered)
        => $"The client is registered for '{registered}' client authentication.";

    internal static string AuthenticationMethodNotEnabled(string method) => $"The '{method}' client authentication method is not enabled.";

    internal static string AssertionMalformed(string problem) => $"The client assertion {problem}.";

    internal static string AssertionJtiTooLong(int maxLength) => $"The client assertion's jti must be at most {maxLength} characters.";

    internal static string AssertionLifetimeTooLong(TimeSpan maxLifetime)
        => $"The client assertion must expire within {maxLifetime.TotalMinutes:0} minutes.";

    // No full stop: the lookup's reason ends the sentence.
    internal static string AssertionKeyNotFound(string? reason) => $"The client assertion's signing key was not found: {Reason(reason)}.";

    internal static string AssertionKeyMisfit(string misfit) => $"The client assertion's signing key does not fit its algorithm: {misfit}.";

    /// <summary>A token or PAR request of a registered client with no client authentication at all.</summary>
    public const string ClientAuthenticationRequired =
        "Client authentication is required: a client assertion, a client secret, or (tls_client_auth) the transport certificate.";

    /// <summary>A client assertion reached the plug-in's signature check without the engine's checks having passed.</summary>
    public const string AssertionNotChecked = "The client assertion could not be checked.";

    /// <summary>A client assertion whose <c>jti</c> was used before (on any instance).</summary>
    public const string AssertionReplayed = "The client assertion has already been used.";

    /// <summary>The client's JWKS could not be fetched for its assertion (the client may retry).</summary>
    public const string ClientJwksUnavailable = "The client's JWKS could not be fetched; try again later.";

    /// <summary>A client secret that is wrong or expired.</summary>
    public const string ClientSecretInvalid = "The client secret is not valid.";

    /// <summary>The client's registration was written (elsewhere) while its token request was checked; nothing was recorded.</summary>
    public const string ClientRegistrationChanged = "The client's registration changed while the request was checked; send the request again.";
}
