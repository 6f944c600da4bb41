// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// The optional management operations on <c>{registration_endpoint}/{ClientId}</c> (read, update, delete). Each is
/// optional for a bank under the specification; a disabled operation answers 405 and is not advertised.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>Whether <c>GET {registration_endpoint}/{ClientId}</c> is served. Default <see langword="true"/>.</summary>
    public bool EnableRead { get; set; } = true;

    /// <summary>
    /// Whether, for specification versions before 3.4, <c>POST {registration_endpoint}/{ClientId}</c> also reads the
    /// registration (those versions' text names POST for the read operation; 3.4 corrected it to GET).
    /// Default <see langword="true"/>; only effective when <see cref="EnableRead"/> is on.
    /// </summary>
    public bool EnableLegacyPostRead { get; set; } = true;

    /// <summary>Whether <c>PUT {registration_endpoint}/{ClientId}</c> is served. Default <see langword="true"/>.</summary>
    public bool EnableUpdate { get; set; } = true;

    /// <summary>Whether <c>DELETE {registration_endpoint}/{ClientId}</c> is served. Default <see langword="true"/>.</summary>
    public bool EnableDelete { get; set; } = true;

    /// <summary>
    /// The status answered when a valid access token of one client is used on another client's registration.
    /// Default 403 (the OpenAPI file's "The client does not have permission"); some banks prefer 401.
    /// </summary>
    public int ForeignClientStatusCode { get; set; } = 403;
}
