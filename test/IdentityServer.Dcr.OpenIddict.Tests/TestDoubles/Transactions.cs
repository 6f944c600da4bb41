// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.OpenIddict.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>OpenIddict token endpoint transactions made by hand (no host): issuer and token endpoint as a bank sets them.</summary>
internal static class Transactions
{
    public static readonly Uri Issuer = new("https://bank.example.com/");

    public static readonly string TokenEndpoint = "https://bank.example.com/connect/token";

    public static OpenIddictServerTransaction Token(ClientRegistration? dcrClient = null)
    {
        var options = new OpenIddictServerOptions { Issuer = Issuer };
        options.TokenEndpointUris.Add(new Uri("connect/token", UriKind.Relative));
        var transaction = new OpenIddictServerTransaction
        {
            Options = options,
            Logger = NullLogger.Instance,
            EndpointType = OpenIddictServerEndpointType.Token,
            Request = new OpenIddictRequest(),
        };
        if (dcrClient is not null)
        {
            new DcrClientAuthenticationState(DcrClient.From(dcrClient)).Attach(transaction);
        }

        return transaction;
    }
}
