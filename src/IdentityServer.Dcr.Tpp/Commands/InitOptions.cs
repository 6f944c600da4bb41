// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Options of <c>obie-tpp init</c>.</summary>
internal sealed record InitOptions
{
    public string? SoftwareId { get; init; }

    public string? OrganisationId { get; init; }

    public string Algorithm { get; init; } = "PS256";

    /// <summary>An existing PEM private key to import instead of generating one (for a key the directory knows).</summary>
    public string? KeyFile { get; init; }

    /// <summary>The <c>kid</c> the directory knows the key by; by default the JWK thumbprint.</summary>
    public string? KeyId { get; init; }

    public bool Force { get; init; }
}
