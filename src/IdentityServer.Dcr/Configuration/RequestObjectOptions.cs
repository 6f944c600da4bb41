// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>Verification of the registration request: the JWS the TPP signs with its software key.</summary>
public sealed class RequestObjectOptions
{
    /// <summary>
    /// The JWS algorithms accepted for the request. Default <c>PS256</c> and <c>ES256</c> (FAPI).
    /// <c>none</c>, HMAC and RSA PKCS#1 v1.5 algorithms are refused at start-up.
    /// </summary>
    public IList<string> AllowedAlgorithms { get; } = [];

    /// <summary>
    /// The accepted <c>aud</c> values, for example the bank's Directory organisation id and its issuer URL.
    /// Default empty: <see cref="DcrOptions.Issuer"/> is accepted. At least one value must result.
    /// </summary>
    public IList<string> AcceptedAudiences { get; } = [];

    /// <summary>The largest request body accepted, in bytes, checked before any parsing. Default 65536.</summary>
    public int MaxBodySize { get; set; } = 64 * 1024;

    /// <summary>How long after its <c>iat</c> a request is accepted. Default 60 minutes.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Tolerated clock difference for <c>iat</c> and <c>exp</c>. Default 2 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether <c>jti</c> must be a UUID v4 as the specification's pattern says. Default <see langword="false"/>:
    /// TPPs in the field send other unique strings; any non-empty value up to 128 characters is accepted and
    /// replay is rejected either way.
    /// </summary>
    public bool RequireUuidJti { get; set; }

    /// <summary>
    /// Whether a request <c>iss</c> equal to the SSA's <c>org_id</c> is also accepted (the Data Mapping table of the
    /// specification says so, the Data Dictionary says <c>software_id</c>). Default <see langword="false"/>.
    /// </summary>
    public bool AcceptOrganisationIdAsIssuer { get; set; }
}
