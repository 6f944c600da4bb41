// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing.Journey;

/// <summary>A demo bank running in-process for the journey: its URL (also its issuer's origin) and services.</summary>
public interface IJourneyBank : IAsyncDisposable
{
    /// <summary>The base URL, such as <c>https://127.0.0.1:41234</c>.</summary>
    string Url { get; }

    /// <summary>The bank's services (its <c>IIntentStore</c>).</summary>
    IServiceProvider Services { get; }

    /// <summary>The bank's TLS server certificate, which the customer's real browser is told to trust.</summary>
    X509Certificate2 ServerCertificate { get; }
}

/// <summary>A TPP registered at the bank (<c>private_key_jwt</c>, <c>code id_token</c>), as the journey uses it.</summary>
public interface IJourneyTpp : IDisposable
{
    /// <summary>The registered client id.</summary>
    string ClientId { get; }

    /// <summary>The registered redirect URI the journey uses.</summary>
    string RedirectUri { get; }

    /// <summary>The registered <c>id_token_signed_response_alg</c>.</summary>
    string IdTokenSignedResponseAlg { get; }

    /// <summary>The TPP's transport certificate (mutual TLS).</summary>
    X509Certificate2 TransportCertificate { get; }

    /// <summary>Signs claims (a request object) with the TPP's registered signing key.</summary>
    /// <param name="claims">The claims.</param>
    /// <returns>The compact JWS.</returns>
    string Sign(JsonObject claims);

    /// <summary>A <c>private_key_jwt</c> client assertion for <paramref name="audience"/>.</summary>
    /// <param name="audience">The endpoint (token or pushed authorization).</param>
    /// <returns>The assertion.</returns>
    string ClientAssertion(string audience);

    /// <summary>A client_credentials access token with <c>accounts</c> (to create intents).</summary>
    /// <returns>The access token.</returns>
    Task<string> AccessTokenAsync();
}
