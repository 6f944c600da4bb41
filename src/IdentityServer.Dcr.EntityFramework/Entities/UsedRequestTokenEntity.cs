// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.EntityFramework.Entities;

/// <summary>
/// The row behind a <see cref="Models.UsedRequestToken"/> (table <c>DcrUsedRequestTokens</c>). The primary key
/// (<see cref="Issuer"/>, <see cref="Jti"/>) is what makes a replay fail atomically.
/// </summary>
public class UsedRequestTokenEntity
{
    /// <summary>The request's <c>iss</c>.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The request's <c>jti</c>.</summary>
    public string Jti { get; set; } = string.Empty;

    /// <summary>When the row may be purged (indexed).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
