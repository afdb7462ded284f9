CREATE TABLE "builtin_comments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_key" text NOT NULL,
	"body" text NOT NULL,
	"marker" text,
	"author" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "builtin_issues" (
	"key" text PRIMARY KEY NOT NULL,
	"prefix" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'New' NOT NULL,
	"fix_versions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"commit_hash_lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "builtin_comments" ADD CONSTRAINT "builtin_comments_issue_key_builtin_issues_key_fk" FOREIGN KEY ("issue_key") REFERENCES "public"."builtin_issues"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "builtin_comments_issue" ON "builtin_comments" USING btree ("issue_key");--> statement-breakpoint
CREATE UNIQUE INDEX "builtin_comments_marker" ON "builtin_comments" USING btree ("issue_key","marker");--> statement-breakpoint
CREATE UNIQUE INDEX "builtin_issues_number" ON "builtin_issues" USING btree ("prefix","number");