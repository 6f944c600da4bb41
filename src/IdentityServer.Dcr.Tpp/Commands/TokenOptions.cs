// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp token</c> (and of the token that <c>get</c>, <c>update</c> and <c>delete</c> obtain when they need one).</summary>
internal sealed record TokenOptions
{
    public string? Bank { get; init; }

    /// <summary>Default: the state's (saved by <c>register</c> from discovery), else discovery.</summary>
    public string? TokenEndpoint { get; init; }

    /// <summary>The <c>scope</c> parameter; DCR 3.3 says none is needed for the management operations, so empty by default.</summary>
    public string Scope { get; init; } = "";

    /// <summary>Default: the registered <c>token_endpoint_auth_method</c>.</summary>
    public string? AuthMethod { get; init; }
}
