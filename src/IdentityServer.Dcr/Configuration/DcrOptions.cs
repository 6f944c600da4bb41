// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Settings of the OBIE Dynamic Client Registration engine. Bind them from configuration
/// (section <c>Dcr</c> by convention) or set them in code with <c>services.AddDcr(options =&gt; ...)</c>.
/// They are validated when the host starts: a wrong setting stops the host with a message, never a request.
/// List settings whose documentation names a default get it when they are left empty (configuration binding
/// appends to lists, so defaults are applied after binding, by <see cref="DcrOptionsPostConfigure"/>): to change
/// such a list, give all of its values.
/// </summary>
public sealed class DcrOptions
{
    /// <summary>
    /// The specification version enforced. Default <see cref="DcrSpecVersion.Version33"/>. Choose the version the bank
    /// publishes on its developer portal.
    /// </summary>
    public DcrSpecVersion SpecVersion { get; set; } = DcrSpecVersion.Version33;

    /// <summary>
    /// The bank's OpenID Provider issuer URL (for example <c>https://auth.bank.example</c>). Default <see langword="null"/>.
    /// Used as an accepted <c>aud</c> of registration requests and in discovery.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Software statement (SSA) verification: trust anchors, algorithms, age and approval policy.</summary>
    public SoftwareStatementOptions SoftwareStatement { get; } = new();

    /// <summary>Registration request (the signed JWS body) verification: algorithms, audience, lifetime, size.</summary>
    public RequestObjectOptions RequestObject { get; } = new();

    /// <summary>Mutual TLS: where the transport certificate comes from and how it is checked.</summary>
    public TransportOptions Transport { get; } = new();

    /// <summary>Fetching TPP JWKS from <c>software_jwks_endpoint</c>: SSRF limits, time-outs, caching.</summary>
    public JwksOptions Jwks { get; } = new();

    /// <summary>What the bank supports and registers: metadata values, overrides, defaults, duplicates.</summary>
    public RegistrationOptions Registration { get; } = new();

    /// <summary>The optional read, update and delete operations on a registration.</summary>
    public ManagementOptions Management { get; } = new();

    /// <summary>The authorization journey of registered clients: request objects and intents.</summary>
    public AuthorizationOptions Authorization { get; } = new();

    /// <summary>
    /// Whether a client assertion expiring at <paramref name="expiresAt"/> expires too late to be accepted at
    /// <paramref name="now"/>: beyond <see cref="RegistrationOptions.MaxClientAssertionLifetime"/> plus
    /// <see cref="RequestObjectOptions.ClockSkew"/>. The rule both authorization server plug-ins apply.
    /// </summary>
    /// <param name="expiresAt">The assertion's <c>exp</c>.</param>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when the assertion must be refused.</returns>
    public bool ClientAssertionExpiresTooLate(DateTimeOffset expiresAt, DateTimeOffset now)
        => expiresAt - now > Registration.MaxClientAssertionLifetime + RequestObject.ClockSkew;
}
