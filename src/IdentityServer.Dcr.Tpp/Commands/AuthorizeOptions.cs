// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp authorize</c>.</summary>
internal sealed record AuthorizeOptions
{
    public const string DefaultScope = "openid accounts";

    public string? Bank { get; init; }

    /// <summary>Default: the consent that <c>obie-tpp consent</c> saved.</summary>
    public string? ConsentId { get; init; }

    /// <summary><c>code id_token</c> or <c>code</c>; default: the first of these the client registered, else <c>code id_token</c>.</summary>
    public string? ResponseType { get; init; }

    /// <summary>True: push the request object (RFC 9126); false: send it by value; null: push when the bank has PAR.</summary>
    public bool? Push { get; init; }

    /// <summary>Default: the first registered redirect URI.</summary>
    public string? RedirectUri { get; init; }

    /// <summary>Default: <see cref="DefaultScope"/>.</summary>
    public string? Scope { get; init; }
}
