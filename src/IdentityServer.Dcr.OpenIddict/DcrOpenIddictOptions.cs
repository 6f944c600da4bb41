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
}
