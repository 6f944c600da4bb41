// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// Options of <c>obie-tpp register</c> and <c>obie-tpp update</c>; anything not given keeps its default (or, for an
/// update, its registered value).
/// </summary>
internal sealed record RegisterOptions
{
    public string? Bank { get; init; }

    /// <summary>Skips discovery and posts here.</summary>
    public string? RegistrationEndpoint { get; init; }

    /// <summary>The request's <c>aud</c>: default the discovery <c>issuer</c>, else the bank URL.</summary>
    public string? Audience { get; init; }

    /// <summary>Remembered for <c>token</c>, <c>get</c>, <c>update</c> and <c>delete</c>; default the discovery document's.</summary>
    public string? TokenEndpoint { get; init; }

    public string? AuthMethod { get; init; }

    public string? Scope { get; init; }

    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    public IReadOnlyList<string> GrantTypes { get; init; } = [];

    /// <summary>Default: <c>code id_token</c> (or <c>code</c> when the bank supports only that).</summary>
    public IReadOnlyList<string> ResponseTypes { get; init; } = [];

    public string? ApplicationType { get; init; }

    /// <summary>
    /// <c>application/jose</c> (default), <c>application/jwt</c> or <c>application/json</c>; the body is the compact
    /// JWS in each case.
    /// </summary>
    public string ContentType { get; init; } = "application/jose";

    /// <summary>An SSA file (from a real directory) to use and remember instead of the sandbox's.</summary>
    public string? SoftwareStatementFile { get; init; }

    public string? TransportCertificateFile { get; init; }

    public string? TransportKeyFile { get; init; }
}
