// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp sandbox enrol</c>.</summary>
internal sealed record SandboxEnrolOptions
{
    /// <summary>The demo host; default the state's bank, else <c>https://localhost:5443</c>.</summary>
    public string? Bank { get; init; }

    /// <summary>The SSA's <c>software_redirect_uris</c>; the sandbox's default when empty.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    public string? ClientName { get; init; }
}
