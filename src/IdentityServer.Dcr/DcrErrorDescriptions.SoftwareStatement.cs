// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// The software statement (SoftwareStatementValidator): parsing, signature, lifetime, claims, the bank's policy.
public static partial class DcrErrorDescriptions
{
    internal const string SoftwareStatementMissing = "The request has no software_statement claim.";
    internal const string SoftwareStatementNotString = "The request's software_statement is not a string.";
    internal const string SoftwareStatementTyp = "The software statement's typ header is not JWT.";
    internal const string SoftwareStatementIssuerMissing = "The software statement has no iss claim.";
    internal const string SoftwareStatementIatMissing = "The software statement has no iat claim.";
    internal const string SoftwareStatementIatNotNumericDate = "The software statement's iat is not a NumericDate.";
    internal const string SoftwareStatementIatInFuture = "The software statement's iat is in the future.";
    internal const string SoftwareStatementExpNotNumericDate = "The software statement's exp is not a NumericDate.";
    internal const string SoftwareStatementExpired = "The software statement has expired.";
    internal const string SoftwareStatementNotYetValid = "The software statement is not valid yet (nbf).";

    internal const string SoftwareStatementJwksEndpointMissing =
        "The software statement has no software_jwks_endpoint, so the request signature cannot be verified.";

    internal const string SoftwareStatementRedirectUrisNotStrings =
        "The software statement's software_redirect_uris is not an array of strings.";

    internal const string SoftwareStatementRolesNotStrings = "The software statement's software_roles is not an array of strings.";

    internal static string SoftwareStatementMalformed(string problem) => $"The software statement {problem}.";

    internal static string SoftwareStatementUntrustedIssuer(string issuer)
        => $"The software statement's issuer '{Truncate(issuer)}' is not a trust anchor of this bank.";

    internal static string SoftwareStatementKeyNotFound(string? reason)
        => $"The software statement's signing key was not found: {Reason(reason)}.";

    internal static string SoftwareStatementSignatureInvalid(string? failure)
        => $"The software statement's signature is not valid: {failure}.";

    internal static string SoftwareStatementTooOld(TimeSpan maxAge)
        => $"The software statement was issued more than {maxAge.TotalMinutes:0.#} minutes ago; obtain a new one.";

    internal static string SoftwareStatementClaimMissing(string name) => $"The software statement has no {name} claim.";

    internal static string SoftwareStatementClaimNotString(string name) => $"The software statement's {name} is not a string.";

    internal static string SoftwareStatementClaimEmpty(string name) => $"The software statement's {name} is empty.";

    internal static string SoftwareStatementClaimTooLong(string name, int maxLength)
        => $"The software statement's {name} is longer than {maxLength} characters.";

    internal static string SoftwareStatementJwksEndpointInvalid(string problem)
        => $"The software statement's software_jwks_endpoint {problem}.";

    internal static string SoftwareStatementUriInvalid(string name, int maxLength)
        => $"The software statement's {name} is not an absolute https URI (RFC 3986) of at most {maxLength} characters.";

    internal static string OrganisationNotActive(string? status)
        => $"The organisation's status is '{Truncate(status)}'; only Active organisations may register.";

    internal static string SoftwareModeNotAccepted(string mode, IEnumerable<string> accepted)
        => $"Software in mode '{Truncate(mode)}' may not register here; accepted: {string.Join(", ", accepted)}.";

    internal static string SoftwareEnvironmentNotAccepted(string? environment, IEnumerable<string> accepted)
        => $"Software of environment '{Truncate(environment)}' may not register here; accepted: {string.Join(", ", accepted)}.";

    internal static string OrganisationNotApproved(string organisationId)
        => $"The organisation '{Truncate(organisationId)}' is not approved to register.";

    internal static string SoftwareNotApproved(string softwareId) => $"The software '{Truncate(softwareId)}' is not approved to register.";

    internal static string SoftwareRolesMissing(IEnumerable<string> required)
        => $"The software has none of the roles this bank requires: {string.Join(", ", required)}.";
}
