// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.ComponentModel;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr;

/// <summary>
/// The version of the OBIE Dynamic Client Registration specification the engine enforces. In configuration, write
/// <c>3.2</c>, <c>3.3</c> or <c>3.4</c> (or the member names).
/// </summary>
[TypeConverter(typeof(DcrSpecVersionConverter))]
public enum DcrSpecVersion
{
    /// <summary>DCR 3.2: no CIBA; <c>application_type</c> is <c>web</c> or <c>mobile</c>; subject DN up to 128 characters.</summary>
    Version32 = 32,

    /// <summary>DCR 3.3 (the default): adds the CIBA grant type and its <c>backchannel_*</c> metadata.</summary>
    Version33 = 33,

    /// <summary>
    /// DCR 3.4: <c>application_type</c> <c>native</c> replaces <c>mobile</c>; adds the JWT bearer grant; subject DN up
    /// to 512 characters.
    /// </summary>
    Version34 = 34,
}
