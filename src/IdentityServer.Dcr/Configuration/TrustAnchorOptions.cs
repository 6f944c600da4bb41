// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// An issuer of software statements the bank trusts (the Open Banking Directory, another directory, or a sandbox).
/// Exactly one of <see cref="JwksUri"/> and <see cref="Jwks"/> is set.
/// </summary>
public sealed class TrustAnchorOptions
{
    /// <summary>
    /// The exact <c>iss</c> claim of the anchor's software statements, for example <c>OpenBanking Ltd</c>. Required.
    /// </summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>
    /// The HTTPS URL of the anchor's JWKS. Keys are cached and refreshed (see <see cref="JwksOptions"/>), and an
    /// unknown <c>kid</c> triggers one refresh. Default <see langword="null"/>.
    /// </summary>
    public Uri? JwksUri { get; set; }

    /// <summary>
    /// The anchor's JWKS as inline JSON (<c>{"keys":[...]}</c>), for anchors whose keys are pinned in configuration.
    /// Default <see langword="null"/>.
    /// </summary>
    public string? Jwks { get; set; }

    /// <summary>
    /// The signature algorithms accepted for this anchor's software statements. Default empty: the global
    /// <see cref="SoftwareStatementOptions.AllowedAlgorithms"/> apply.
    /// </summary>
    public IList<string> AllowedAlgorithms { get; } = [];
}
