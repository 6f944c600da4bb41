// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build <see cref="SqliteDcrDbContext"/>; it never opens the file.</summary>
internal sealed class SqliteDcrDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDcrDbContext>
{
    public SqliteDcrDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteDcrDbContext>();
        DcrDbContextOptionsConfigurer.ConfigureSqlite(builder, "Data Source=dcr_design_time.db", new DcrEntityFrameworkOptions());
        return new SqliteDcrDbContext(builder.Options);
    }
}
