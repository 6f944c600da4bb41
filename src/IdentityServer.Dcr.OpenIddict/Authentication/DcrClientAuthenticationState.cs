// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;
using OpenIddict.Server;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Per-request state of a token request made by a registered (DCR) client, kept in the OpenIddict transaction so
/// that later handlers (assertion keys, replay, grant) see the registration the first handler resolved.
/// </summary>
internal sealed class DcrClientAuthenticationState
{
    private static readonly string Key = typeof(DcrClientAuthenticationState).FullName!;

    public DcrClientAuthenticationState(ClientRegistration registration) => Registration = registration;

    public ClientRegistration Registration { get; }

    public static DcrClientAuthenticationState? Get(OpenIddictServerTransaction transaction)
        => transaction.Properties.TryGetValue(Key, out var value) ? value as DcrClientAuthenticationState : null;

    public void Attach(OpenIddictServerTransaction transaction) => transaction.Properties[Key] = this;
}
