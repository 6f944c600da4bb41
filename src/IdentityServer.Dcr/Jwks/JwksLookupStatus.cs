// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>The outcome of a key lookup in a JWKS.</summary>
public enum JwksLookupStatus
{
    /// <summary>The key was found.</summary>
    Found = 0,

    /// <summary>The JWKS was fetched (and refreshed once) but holds no usable signing key with that <c>kid</c>.</summary>
    KeyNotFound = 1,

    /// <summary>The URL is not allowed by policy (scheme, host, or address): nothing was fetched.</summary>
    Refused = 2,

    /// <summary>The host answered, but not with a usable JWKS (status, size, content).</summary>
    Invalid = 3,
}
