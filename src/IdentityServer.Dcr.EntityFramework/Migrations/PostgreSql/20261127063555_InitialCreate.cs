using System;
using IdentityServer.Dcr.EntityFramework.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IdentityServer.Dcr.EntityFramework.Migrations.PostgreSql
{
    /// <inheritdoc />
    // Hand edit: schema-aware. The configured DcrEntityFrameworkOptions.Schema is handed in at run time by
    // DcrMigrationsAssembly; keep `schema: _schema` (and EnsureSchema) when regenerating or adding migrations.
    public partial class InitialCreate : Migration, IDcrSchemaAwareMigration
    {
        private string _schema;

        string IDcrSchemaAwareMigration.Schema { set => _schema = value; }

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (_schema is not null)
            {
                migrationBuilder.EnsureSchema(name: _schema);
            }

            migrationBuilder.CreateTable(
                name: "DcrClientRegistrations",
                schema: _schema,
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SoftwareId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    OrganisationId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SoftwareStatementIssuer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    TokenEndpointAuthMethod = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TlsClientAuthSubjectDn = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    JwksUri = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    MetadataJson = table.Column<string>(type: "text", nullable: false),
                    SoftwareStatement = table.Column<string>(type: "text", nullable: false),
                    SoftwareStatementClaims = table.Column<string>(type: "text", nullable: false),
                    ClientSecretHash = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    ClientSecretExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClientIdIssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConcurrencyStamp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DcrClientRegistrations", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "DcrUsedRequestTokens",
                schema: _schema,
                columns: table => new
                {
                    Issuer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Jti = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DcrUsedRequestTokens", x => new { x.Issuer, x.Jti });
                });

            migrationBuilder.CreateIndex(
                name: "IX_DcrClientRegistrations_OrganisationId",
                schema: _schema,
                table: "DcrClientRegistrations",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_DcrClientRegistrations_SoftwareId",
                schema: _schema,
                table: "DcrClientRegistrations",
                column: "SoftwareId");

            migrationBuilder.CreateIndex(
                name: "IX_DcrUsedRequestTokens_ExpiresAt",
                schema: _schema,
                table: "DcrUsedRequestTokens",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DcrClientRegistrations",
                schema: _schema);

            migrationBuilder.DropTable(
                name: "DcrUsedRequestTokens",
                schema: _schema);
        }
    }
}
