// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;

namespace IdentityServer.Dcr;

/// <summary>
/// A client registration error as defined by RFC 7591 section 3.2.2: an error code from <see cref="DcrErrors"/>
/// and a human-readable description. Protocol and validation failures are values of this type, never exceptions.
/// </summary>
/// <param name="Error">The error code, one of the <see cref="DcrErrors"/> constants.</param>
/// <param name="ErrorDescription">A description for the TPP's developer. Never contains secrets or whole tokens.</param>
public sealed record DcrError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription)
{
    /// <summary>Creates an <see cref="DcrErrors.InvalidClientMetadata"/> error.</summary>
    /// <param name="description">The error description.</param>
    /// <returns>The error.</returns>
    public static DcrError InvalidClientMetadata(string description) => new(DcrErrors.InvalidClientMetadata, description);

    /// <summary>Creates an <see cref="DcrErrors.InvalidRedirectUri"/> error.</summary>
    /// <param name="description">The error description.</param>
    /// <returns>The error.</returns>
    public static DcrError InvalidRedirectUri(string description) => new(DcrErrors.InvalidRedirectUri, description);

    /// <summary>Creates an <see cref="DcrErrors.InvalidSoftwareStatement"/> error.</summary>
    /// <param name="description">The error description.</param>
    /// <returns>The error.</returns>
    public static DcrError InvalidSoftwareStatement(string description) => new(DcrErrors.InvalidSoftwareStatement, description);

    /// <summary>Creates an <see cref="DcrErrors.UnapprovedSoftwareStatement"/> error.</summary>
    /// <param name="description">The error description.</param>
    /// <returns>The error.</returns>
    public static DcrError UnapprovedSoftwareStatement(string description) => new(DcrErrors.UnapprovedSoftwareStatement, description);

    /// <summary>
    /// The refusal of a client an operator disabled, with the code the endpoint uses for it: <c>invalid_client</c> at
    /// the token and pushed authorization endpoints, <c>unauthorized_client</c> at the authorization endpoint,
    /// <c>invalid_token</c> at the management endpoints.
    /// </summary>
    /// <param name="error">The error code.</param>
    /// <returns>The error.</returns>
    public static DcrError ClientDisabled(string error) => new(error, DcrErrorDescriptions.ClientDisabled);

    /// <summary>Creates the <see cref="DcrErrors.InvalidClientMetadata"/> error of a request without a transport certificate.</summary>
    /// <returns>The error.</returns>
    public static DcrError CertificateMissing() => InvalidClientMetadata(DcrErrorDescriptions.CertificateMissing);

    /// <summary>Creates the <see cref="DcrErrors.InvalidClientMetadata"/> error of a request body over the size limit.</summary>
    /// <param name="limit">The limit, in bytes.</param>
    /// <returns>The error.</returns>
    public static DcrError BodyTooLarge(int limit) => InvalidClientMetadata(DcrErrorDescriptions.BodyTooLarge(limit));

    /// <summary>The error as the RFC 7591 JSON error body: <c>error</c> and <c>error_description</c>.</summary>
    /// <returns>A new JSON object.</returns>
    public System.Text.Json.Nodes.JsonObject ToJson() => new() { ["error"] = Error, ["error_description"] = ErrorDescription };
}
