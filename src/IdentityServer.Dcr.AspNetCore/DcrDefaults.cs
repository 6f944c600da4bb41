// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.AspNetCore;

/// <summary>Default values of the ASP.NET Core endpoints.</summary>
public static class DcrDefaults
{
    /// <summary>
    /// The default registration endpoint path: <c>/connect/register</c>. OBIE names it <c>/register</c>; any path works
    /// when discovery advertises it.
    /// </summary>
    public const string RegistrationPath = "/connect/register";

    /// <summary>The <c>Retry-After</c> value, in seconds, of a 503 answer when a dependency is unavailable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>The error code of a 503 answer (RFC 6749's <c>temporarily_unavailable</c>).</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";
}
