// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp exchange</c>.</summary>
internal sealed record ExchangeOptions
{
    /// <summary>The URL the browser was redirected to, or just its fragment or query.</summary>
    public required string RedirectedUrl { get; init; }

    public string? Bank { get; init; }

    /// <summary>Default: discovery, else the state's.</summary>
    public string? TokenEndpoint { get; init; }
}
