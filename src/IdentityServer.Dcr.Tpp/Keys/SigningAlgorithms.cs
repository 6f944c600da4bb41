// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Keys;

/// <summary>The JWS algorithms the tool signs with: the two that FAPI and OBIE allow for TPP keys.</summary>
internal static class SigningAlgorithms
{
    public const string PS256 = "PS256";

    public const string ES256 = "ES256";
}
