// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.OpenIddict;

/// <summary>Settings of the OpenIddict plug-in.</summary>
public sealed class DcrOpenIddictOptions
{
    /// <summary>
    /// The path the registration endpoint is mapped at (<c>app.MapDcr(path)</c>), relative to the issuer, published as
    /// <c>registration_endpoint</c>. Default <c>/register</c>; change it together with <c>MapDcr</c>.
    /// </summary>
    public string RegistrationPath { get; set; } = "/register";

    /// <summary>How the token endpoint keeps registered clients' applications across requests.</summary>
    public DcrApplicationCacheOptions ApplicationCache { get; } = new();
}

/// <summary>
/// The token endpoint's cache of registered (<c>private_key_jwt</c>) clients' OpenIddict applications. OpenIddict
/// itself caches an application for one request only, so every token request reads it from the database; with this
/// cache a token request reads it only when the copy is missing or old. Safe across instances: the client assertion
/// is recorded only while the application is still the version that was used, so a client updated, disabled or
/// deleted elsewhere gets <c>invalid_client</c> once and is read afresh.
/// </summary>
public sealed class DcrApplicationCacheOptions
{
    /// <summary>How long a copy is kept. Default 5 minutes; <see cref="TimeSpan.Zero"/> turns the cache off.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most applications kept (read at start-up). Default 10,000, a few kilobytes each.</summary>
    public int SizeLimit { get; set; } = 10_000;
}
