// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// What the bank does with a requested metadata value it does not support. The specification allows both:
/// reject the request, or register a supported value and return it in the response.
/// </summary>
public enum UnsupportedValueHandling
{
    /// <summary>Reject the request with <c>invalid_client_metadata</c> (or <c>invalid_redirect_uri</c>).</summary>
    Reject = 0,

    /// <summary>Register a supported value instead (the default, or the supported subset of a list) and echo it.</summary>
    Substitute = 1,
}
