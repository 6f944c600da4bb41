// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp get</c> and <c>obie-tpp delete</c>.</summary>
internal sealed record ClientOptions
{
    public string? Bank { get; init; }

    /// <summary>Default: the state's (saved by <c>register</c>).</summary>
    public string? RegistrationEndpoint { get; init; }

    /// <summary>Where to get an access token when the saved one is missing or expired.</summary>
    public string? TokenEndpoint { get; init; }
}
