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

    /// <summary>
    /// How far in the future a registered client's assertion may expire (its <c>exp</c>, from now, beyond the engine's
    /// <c>Dcr:RequestObject:ClockSkew</c>). Default 60 minutes. A used assertion's <c>jti</c> is kept until it expires,
    /// so a longer-lived assertion would hold its row for as long, and could be replayed once the row is purged.
    /// </summary>
    public TimeSpan MaxClientAssertionLifetime { get; set; } = TimeSpan.FromMinutes(60);
}
