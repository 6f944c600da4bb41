// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Models;

/// <summary>
/// A registration request JWT that has been used, kept until it expires so that a replay (same <c>iss</c> and
/// <c>jti</c>) is rejected across every instance sharing the store.
/// </summary>
/// <param name="Issuer">The request's <c>iss</c>.</param>
/// <param name="Jti">The request's <c>jti</c>.</param>
/// <param name="ExpiresAt">When the record may be forgotten (the request's <c>exp</c> plus clock skew).</param>
public sealed record UsedRequestToken(string Issuer, string Jti, DateTimeOffset ExpiresAt);
