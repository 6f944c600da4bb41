// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Jwks;

/// <summary>Who chose a JWKS URL, which decides the network policy applied when fetching it.</summary>
public enum JwksSourceKind
{
    /// <summary>A trust anchor's JWKS URL from the bank's own configuration: fetched over HTTPS from any host.</summary>
    TrustAnchor = 0,

    /// <summary>
    /// A TPP's <c>software_jwks_endpoint</c> taken from a software statement: fetched only under
    /// <see cref="Configuration.JwksOptions"/> (allowed hosts, public addresses only, size and time limits).
    /// </summary>
    Software = 1,
}
