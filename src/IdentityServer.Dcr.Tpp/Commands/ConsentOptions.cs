// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp consent</c>.</summary>
internal sealed record ConsentOptions
{
    /// <summary>The OB Read/Write 3.1 permissions the TPP asks for.</summary>
    public static readonly IReadOnlyList<string> DefaultPermissions = ["ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances"];

    public string? Bank { get; init; }

    /// <summary>Default: <see cref="DefaultPermissions"/>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary><c>ExpirationDateTime</c> (ISO 8601), when the access should end; none by default.</summary>
    public string? ExpirationDateTime { get; init; }

    /// <summary>Where to get an access token when the saved one is missing or expired.</summary>
    public string? TokenEndpoint { get; init; }
}
