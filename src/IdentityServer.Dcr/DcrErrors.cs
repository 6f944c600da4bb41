// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

/// <summary>
/// The error codes of RFC 7591 section 3.2.2 that the OBIE Dynamic Client Registration specification allows
/// (<c>RegistrationError.error</c> in its OpenAPI file).
/// </summary>
public static class DcrErrors
{
    /// <summary>The value of one or more redirection URIs is invalid.</summary>
    public const string InvalidRedirectUri = "invalid_redirect_uri";

    /// <summary>The value of one of the client metadata fields is invalid, or the request itself is malformed.</summary>
    public const string InvalidClientMetadata = "invalid_client_metadata";

    /// <summary>The software statement presented is invalid: malformed, badly signed, expired or from an unknown issuer.</summary>
    public const string InvalidSoftwareStatement = "invalid_software_statement";

    /// <summary>The software statement is valid but the bank does not approve it for registration (policy).</summary>
    public const string UnapprovedSoftwareStatement = "unapproved_software_statement";

    /// <summary>RFC 6749 §5.2: client authentication failed (every failure of it, at the token endpoint).</summary>
    public const string InvalidClient = "invalid_client";
}
